package api

import (
	"net/http"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

type statsJSON struct {
	Participants int64            `json:"participants"`
	Referrals    int64            `json:"referrals"`
	Clicks       int64            `json:"clicks"`
	Rewards      rewardCountsJSON `json:"rewards"`
	Outstanding  outstandingJSON  `json:"outstanding"`
	Period       periodJSON       `json:"period"`
	Series       seriesJSON       `json:"series"`
}

// rewardCountsJSON counts earned rewards (not clawbacks or redemptions)
// by status and by kind; every status and kind is present.
type rewardCountsJSON struct {
	ByStatus map[string]int64 `json:"by_status"`
	ByKind   map[string]int64 `json:"by_kind"`
}

// outstandingJSON is what participants hold: points, and credit per
// currency.
type outstandingJSON struct {
	Points balanceAmounts `json:"points"`
	Credit []creditJSON   `json:"credit"`
}

type balanceAmounts struct {
	Available int64 `json:"available"`
	Pending   int64 `json:"pending"`
}

type creditJSON struct {
	Currency string `json:"currency"`
	balanceAmounts
}

// getStats is GET /stats: the program's totals, and the growth figures
// of a period (?from=&to=, the last 30 days by default) with their series
// (?interval=day or month).
func (h *Handler) getStats(w http.ResponseWriter, r *http.Request) {
	p, interval, err := h.statsQuery(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	t, err := h.svc.ProgramStats(r.Context())
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	var a core.Analytics
	if slug := r.URL.Query().Get("campaign"); slug != "" {
		a, _, err = h.svc.CampaignStats(r.Context(), p, slug)
	} else {
		a, err = h.svc.PeriodStats(r.Context(), p)
	}
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	out := statsView(t)
	out.Period, out.Series = periodView(a), seriesView(a.Days, interval)
	writeJSON(w, http.StatusOK, out)
}

func statsView(t referralhub.ProgramTotals) statsJSON {
	out := statsJSON{Participants: t.Participants, Referrals: t.Referrals, Clicks: t.Clicks,
		Rewards:     rewardCountsJSON{ByStatus: map[string]int64{}, ByKind: map[string]int64{}},
		Outstanding: outstandingJSON{Credit: []creditJSON{}}}
	for _, st := range []string{referralhub.StatusPending, referralhub.StatusApproved, referralhub.StatusRedeemed,
		referralhub.StatusFulfilled, referralhub.StatusReversed, referralhub.StatusCancelled} {
		out.Rewards.ByStatus[st] = 0
	}
	for _, k := range []string{referralhub.KindPoints, referralhub.KindCredit, referralhub.KindCoupon, referralhub.KindTrialDays} {
		out.Rewards.ByKind[k] = 0
	}
	for _, c := range t.Rewards {
		out.Rewards.ByStatus[c.Status] += c.Count
		out.Rewards.ByKind[c.Kind] += c.Count
	}
	for _, b := range t.Outstanding {
		amounts := balanceAmounts{Available: b.Available, Pending: b.Pending}
		if b.Kind == referralhub.KindPoints {
			out.Outstanding.Points = amounts
			continue
		}
		out.Outstanding.Credit = append(out.Outstanding.Credit, creditJSON{Currency: b.Currency, balanceAmounts: amounts})
	}
	return out
}
