package core

import "strings"

// botMarks are lower-case pieces of the user agents of crawlers and link
// preview fetchers (chat apps and social networks unfurling a shared link),
// separated by "|". They name bots precisely: a bare "bot" would match
// phones (CUBOT) and "pinterest" the Pinterest app's own browser. A constant, walked without allocating: the click path
// checks every visit.
const botMarks = "googlebot|bingbot|twitterbot|slackbot|discordbot|telegrambot|linkedinbot|applebot|redditbot|" +
	"yandexbot|duckduckbot|baiduspider|petalbot|ahrefsbot|semrushbot|bytespider|gptbot|claudebot|chatgpt-user|" +
	"facebookexternalhit|facebookcatalog|pinterestbot|bitlybot|embedly|iframely|whatsapp/|skypeuripreview|" +
	"vkshare|w3c_validator|quora link preview|outbrain|mastodon/|nuzzel|crawler|spider|slurp|python-requests|" +
	"wget/|okhttp|feedfetcher|mediapartners|link preview"

// IsBotVisit reports whether a visit to a referral link is a bot's or a
// link preview's rather than a person's: the browser said the request is
// not a top-level navigation (Sec-Fetch-Dest other than "document"), or the
// user agent is a known crawler or preview fetcher.
func IsBotVisit(v Visit) bool {
	if v.FetchDest != "" && v.FetchDest != "document" {
		return true
	}
	ua := strings.ToLower(v.UserAgent)
	for rest := botMarks; rest != ""; {
		var mark string
		mark, rest, _ = strings.Cut(rest, "|")
		if strings.Contains(ua, mark) {
			return true
		}
	}
	return false
}

// isBot is IsBotVisit with the user-agent verdicts cached: the click path
// sees the same few hundred browsers over and over.
func (s *Service) isBot(v Visit) bool {
	if v.FetchDest != "" && v.FetchDest != "document" {
		return true
	}
	now := s.now()
	if bot, ok := s.botUA.Get(v.UserAgent, now); ok {
		return bot
	}
	bot := IsBotVisit(Visit{UserAgent: v.UserAgent})
	if len(v.UserAgent) <= maxStoredHeader {
		s.botUA.Put(v.UserAgent, bot, now)
	}
	return bot
}
