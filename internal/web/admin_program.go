package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// historyLimit is how many of the program's changes the page shows.
const historyLimit = 20

// programView is the admin's program page: the form, the presets and the
// recent changes.
type programView struct {
	Form    programForm
	Choices formChoices
	Presets []presetView
	History []referralhub.ProgramVersion
	Notice  string // what the last post did, after its redirect
	// BacktestDays is the window "What would this have cost?" replays, as
	// typed; Backtest its answer, once asked.
	BacktestDays string
	Backtest     *backtestView
}

// handleAdminProgram shows the program form filled with the current program.
func (s *Server) handleAdminProgram(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	p, err := s.svc.Program(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderProgram(w, r, v, http.StatusOK, programFormFrom(p), programNotice(r.URL.Query()))
}

// handleAdminProgramSave saves the posted program. A mistake re-renders the
// form as sent, with each message beside its field.
func (s *Server) handleAdminProgramSave(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	form := readProgramForm(r.PostForm)
	p, rows, fe := form.program()
	if len(fe) > 0 {
		// Show the core's objections to the rest of the form too.
		for name, msg := range rowErrors(referralhub.ErrorFields(core.ValidateProgram(p)), rows) {
			fe.Add(name, msg)
		}
		s.programFailed(w, r, v, form, fe.Err())
		return
	}
	cur, err := s.svc.Program(r.Context())
	if err == nil {
		_, err = s.svc.SaveProgram(r.Context(), v.User, p, changeSummary(cur, p))
	}
	if referralhub.ErrorCode(err) == referralhub.EINVALID {
		s.programFailed(w, r, v, form, &referralhub.Error{Code: referralhub.EINVALID,
			Message: referralhub.ErrorMessage(err), Fields: rowErrors(referralhub.ErrorFields(err), rows)})
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/program?saved=1", http.StatusSeeOther)
}

// handleAdminProgramPreset replaces the program's rules with a preset's.
func (s *Server) handleAdminProgramPreset(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	preset := r.PostForm.Get("preset")
	if _, err := s.svc.ApplyPreset(r.Context(), v.User, preset); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/program?"+url.Values{"preset": {preset}}.Encode(), http.StatusSeeOther)
}

// programFailed re-renders the form as sent with err's messages, 422.
func (s *Server) programFailed(w http.ResponseWriter, r *http.Request, v viewer, form programForm, err error) {
	form.Errors, form.Message = referralhub.ErrorFields(err), referralhub.ErrorMessage(err)
	s.renderProgram(w, r, v, http.StatusUnprocessableEntity, form.withBlankRow(), "")
}

func (s *Server) renderProgram(w http.ResponseWriter, r *http.Request, v viewer, status int, form programForm, notice string) {
	s.renderProgramView(w, r, v, status, programView{Form: form, Notice: notice})
}

// renderProgramView renders the program page: view's form, notice and
// backtest, with the choices, presets and history.
func (s *Server) renderProgramView(w http.ResponseWriter, r *http.Request, v viewer, status int, view programView) {
	history, err := s.svc.ProgramHistory(r.Context(), v.User, historyLimit)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view.Choices, view.Presets, view.History = programChoices(), presetViews(), history
	if view.BacktestDays == "" {
		view.BacktestDays = strconv.Itoa(core.DefaultBacktestDays)
	}
	s.render(w, r, status, "admin_program", pageData{Title: "Program", User: &v.User, Data: view})
}

// programNotice confirms the post that redirected here.
func programNotice(q url.Values) string {
	if name := core.PresetName(q.Get("preset")); name != "" {
		return "Applied the preset " + name + "."
	}
	if q.Get("saved") != "" {
		return "The program was saved."
	}
	return ""
}
