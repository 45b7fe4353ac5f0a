package api

import (
	"net/http"
	"strconv"

	"github.com/referralhub/referralhub"
)

// redeem is POST /rewards/{id}/redeem: the reward, with redeem_asked_at
// set (and, for trial days, status redeemed; coupons and credit are paid
// out through Stripe by a job). The body is empty or {}.
func (h *Handler) redeem(w http.ResponseWriter, r *http.Request, body []byte) {
	var none struct{}
	if err := decode(body, &none, true); err != nil {
		h.writeError(w, r, err)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.writeError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "That reward does not exist."))
		return
	}
	reward, err := h.svc.RedeemReward(r.Context(), id)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rewardView(reward))
}
