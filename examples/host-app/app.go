package main

import (
	"encoding/json"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config says where ReferralHub is and how to talk to it.
type Config struct {
	Base          string // ReferralHub's base URL, e.g. https://referrals.example.com
	APIKey        string // a write key from /admin/api-keys
	WebhookSecret string // the secret of the webhook endpoint pointing at /webhooks/referralhub
}

// App is the shop. It keeps its users and the webhooks it got in memory.
type App struct {
	cfg    Config
	api    *Client
	log    *slog.Logger
	mux    *http.ServeMux
	now    func() time.Time
	mu     sync.Mutex
	users  map[string]*user // by id
	hooks  []Hook
	nextID int
	pages  *template.Template
	// Referral codes and click ids look like this (docs/integration.md).
	codeRE, clickRE *regexp.Regexp
}

type user struct {
	ID, Email, Name string
	Link            string
	Orders          int
}

// Hook is a webhook the shop received and verified.
type Hook struct {
	ID, Type string
	Data     json.RawMessage
}

// New returns the shop.
func New(cfg Config, log *slog.Logger) *App {
	a := &App{cfg: cfg, api: NewClient(cfg.Base, cfg.APIKey), log: log, mux: http.NewServeMux(), now: time.Now,
		users: map[string]*user{}, pages: template.Must(template.New("home").Parse(pageTemplates)),
		codeRE: regexp.MustCompile(`^[a-z0-9]{8}$`), clickRE: regexp.MustCompile(`^[0-9a-z]{26}$`)}
	a.mux.HandleFunc("GET /{$}", a.home)
	a.mux.HandleFunc("POST /signup", a.signup)
	a.mux.HandleFunc("GET /account", a.account)
	a.mux.HandleFunc("POST /buy", a.buy)
	a.mux.HandleFunc("GET /refer", a.refer)
	a.mux.HandleFunc("GET /refer.js", a.referScript)
	a.mux.HandleFunc("POST /refer/token", a.referToken)
	a.mux.HandleFunc("POST /webhooks/referralhub", a.webhook)
	return a
}

// ServeHTTP implements http.Handler.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// Hooks returns the webhooks received so far.
func (a *App) Hooks() []Hook {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Hook(nil), a.hooks...)
}

// pageTemplates are the shop's two pages.
const pageTemplates = `<!doctype html>
<title>Shop</title>
<script src="{{.Base}}/snippet.js" async></script>
<h1>The shop</h1>
<form method="post" action="/signup" id="signup">
  <input name="email" type="email" placeholder="Email" required>
  <input name="name" placeholder="Name" required>
  <input type="hidden" name="referral_code"><input type="hidden" name="click_id">
  <button>Create my account</button>
</form>
<script>
document.getElementById('signup').addEventListener('submit', function (e) {
  var a = window.ReferralHub && window.ReferralHub.attribution();
  if (a) { e.target.referral_code.value = a.code; e.target.click_id.value = a.clickId || ''; }
});
</script>
{{define "account"}}<!doctype html><title>Your account</title>
<h1>Hello {{.Name}}</h1>
<p>Share your link: <a id="link" href="{{.Link}}">{{.Link}}</a></p>
<form method="post" action="/buy"><input type="hidden" name="user" value="{{.ID}}"><button>Buy for $25</button></form>
<p>Orders: <span id="orders">{{.Orders}}</span></p>
<p><a id="refer-link" href="/refer">Refer a friend</a></p>{{end}}
{{define "refer"}}<!doctype html><html lang="en"><title>Refer a friend</title>
<p><a id="home" href="/account">Your account</a></p>
<h1>Refer a friend</h1>
<div id="referrals"></div>
<ul id="events"></ul>
<script src="{{.}}/embed.js"></script>
<script src="/refer.js"></script>
</html>{{end}}`

func (a *App) home(w http.ResponseWriter, r *http.Request) {
	a.pages.Execute(w, struct{ Base string }{a.cfg.Base})
}

// attribution is what the form (filled from ReferralHub.attribution()) or,
// without JavaScript, the snippet's rh_attr cookie says about a referral.
func (a *App) attribution(r *http.Request) (code, click string) {
	code, click = strings.ToLower(r.PostForm.Get("referral_code")), r.PostForm.Get("click_id")
	if code == "" {
		if c, err := r.Cookie("rh_attr"); err == nil {
			parts := strings.Split(c.Value, ".")
			if len(parts) == 3 {
				code, click = parts[0], parts[1]
			}
		}
	}
	if !a.codeRE.MatchString(code) {
		return "", ""
	}
	if !a.clickRE.MatchString(click) {
		click = ""
	}
	return code, click
}

func (a *App) signup(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	a.nextID++
	u := &user{ID: "shop-" + strconv.Itoa(a.nextID), Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name")}
	a.mu.Unlock()
	in := ParticipantInput{ExternalID: u.ID, Email: u.Email, Name: u.Name}
	if code, click := a.attribution(r); click != "" {
		in.ClickID = &click
	} else if code != "" {
		in.ReferralCode = &code
	}
	p, err := a.api.UpsertParticipant(r.Context(), in)
	if err != nil {
		a.log.Error("create participant", "err", err)
		http.Error(w, "could not sign you up, try again", http.StatusBadGateway)
		return
	}
	// The shop checks emails itself; here every address counts as checked,
	// and ReferralHub is told, which releases rewards that wait for it.
	if err := a.api.RecordEvent(r.Context(), EventInput{Participant: "ext:" + u.ID, Type: "email_verified",
		IdempotencyKey: "verified-" + u.ID}); err != nil {
		a.log.Warn("report email_verified", "err", err)
	}
	u.Link = p.ReferralLink
	a.mu.Lock()
	a.users[u.ID] = u
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "shop_user", Value: u.ID, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	// The signup used the referral: forget it, so another account made in
	// this browser is not credited to the same referrer.
	http.SetCookie(w, &http.Cookie{Name: "rh_attr", Value: "", Path: "/", MaxAge: -1, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

func (a *App) current(r *http.Request) *user {
	c, err := r.Cookie("shop_user")
	if err != nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.users[c.Value]
}

func (a *App) account(w http.ResponseWriter, r *http.Request) {
	u := a.current(r)
	if u == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	a.mu.Lock()
	view := *u
	a.mu.Unlock()
	a.pages.ExecuteTemplate(w, "account", view)
}

func (a *App) buy(w http.ResponseWriter, r *http.Request) {
	u := a.current(r)
	if u == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	a.mu.Lock()
	u.Orders++
	order := u.ID + "-order-" + strconv.Itoa(u.Orders)
	a.mu.Unlock()
	err := a.api.RecordEvent(r.Context(), EventInput{Participant: "ext:" + u.ID, Type: "purchase", Amount: 2500,
		Currency: "usd", IdempotencyKey: order})
	if err != nil {
		a.log.Error("report purchase", "err", err)
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

// webhook receives ReferralHub's deliveries: it checks the signature, then
// acknowledges with 200. Anything else makes ReferralHub retry.
func (a *App) webhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err := VerifySignature(r.Header.Get("ReferralHub-Signature"), body, a.cfg.WebhookSecret, a.now()); err != nil {
		a.log.Warn("webhook refused", "err", err)
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	var h Hook
	if err := json.Unmarshal(body, &h); err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	a.hooks = append(a.hooks, h)
	a.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}
