package web

import "html/template"

// The share chips' icons: small inline SVGs in the text colour, drawn
// here (no icon font, no third-party file), hidden from screen readers
// because each chip's name says where it shares.
const iconOpen = `<svg class="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">`

var (
	iconX = template.HTML(iconOpen +
		`<path fill="currentColor" d="M3 3h5l13 18h-5zM18.5 3H21l-7.3 8.3-1.3-1.8zM3 21l7.4-8.4 1.3 1.8L5.5 21z"/></svg>`)
	iconFacebook = template.HTML(iconOpen +
		`<path fill="currentColor" d="M13.5 22v-8h2.7l.4-3.2h-3.1V8.8c0-.9.3-1.5 1.6-1.5h1.7V4.4c-.3 0-1.3-.1-2.5-.1-2.4 0-4.1 1.5-4.1 4.2v2.3H7.5V14h2.7v8z"/></svg>`)
	iconLinkedIn = template.HTML(iconOpen +
		`<path fill="currentColor" d="M4 3h16a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm2 7v8h3v-8zm1.5-4.5a1.75 1.75 0 1 0 0 3.5 1.75 1.75 0 0 0 0-3.5zM11 10v8h3v-4.2c0-1.2.5-2 1.5-2s1.5.8 1.5 2V18h3v-4.9c0-2.7-1.4-3.3-2.9-3.3-1.2 0-2 .6-2.3 1.1V10z"/></svg>`)
	iconWhatsApp = template.HTML(iconOpen +
		`<path fill="none" stroke="currentColor" stroke-width="2" d="M12 3a9 9 0 0 0-7.8 13.5L3 21l4.6-1.2A9 9 0 1 0 12 3z"/>` +
		`<path fill="currentColor" d="M9 7.5c.3 0 .6 0 .8.6l.8 1.8c.1.3 0 .5-.1.7l-.6.7c.6 1.2 1.6 2.2 2.8 2.8l.7-.8c.2-.2.4-.3.7-.1l1.8.8c.4.2.5.4.4.8-.2 1-1.1 1.7-2.1 1.7-3 0-6.3-3.3-6.3-6.3 0-1 .7-1.9 1.7-2.1z"/></svg>`)
	iconEmail = template.HTML(iconOpen +
		`<path fill="none" stroke="currentColor" stroke-width="2" d="M3 5h18v14H3zM3 6l9 7 9-7"/></svg>`)
	iconShare = template.HTML(iconOpen +
		`<path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" d="M12 15V3M7 8l5-5 5 5M5 12v8h14v-8"/></svg>`)
)
