package core

// reservedCodes are codes nobody may choose: words the site's own pages
// and routes use, or that would pass for the operator's own link. An
// admin adds more in the program (Program.ReservedCodes).
var reservedCodes = []string{
	"r", "admin", "api", "login", "logout", "signup", "signin", "register", "settings", "rewards",
	"leaderboard", "network", "verify-email", "password-reset", "unsubscribe", "static", "brand",
	"embed", "snippet", "healthz", "readyz", "metrics", "favicon", "integrations", "invites", "invite",
	"dashboard", "account", "help", "support", "about", "terms", "privacy", "security", "contact",
	"www", "mail", "email", "root", "system", "staff", "official", "referralhub", "null", "undefined",
	"preview", "share", "code", "codes", "stripe", "webhook", "webhooks", "oauth", "auth", "billing",
}

// blockedWords are offensive words no chosen code may contain, anywhere
// in it (hyphens ignored). Kept short and unambiguous: a word that is
// part of innocent words ("ass" in "class") would refuse them too.
var blockedWords = []string{
	"fuck", "shit", "cunt", "bitch", "nigger", "nigga", "faggot", "retard", "whore", "slut",
	"pussy", "dick", "cock", "wank", "twat", "bastard", "porn", "rape", "nazi", "hitler",
}
