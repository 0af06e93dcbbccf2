package runner

import (
	"errors"
	"os"
	"strings"

	"github.com/federate-action/federate/internal/export"
)

// Commit hands the whole export set to the runner: every mask first, then
// GITHUB_ENV, GITHUB_OUTPUT and the job summary. Everything is rendered
// and every file opened before the first byte is written, so a bad name,
// a missing file or a hostile value means nothing is written at all.
func (r *Runner) Commit(set *export.Set) error {
	for _, m := range set.Masks() {
		r.Mask(m)
	}
	env, err := r.render("GITHUB_ENV", set.EnvVars())
	if err != nil {
		return err
	}
	outputs, err := r.render("GITHUB_OUTPUT", set.Outputs())
	if err != nil {
		return err
	}
	summary := ""
	if lines := set.SummaryLines(); len(lines) > 0 {
		summary = strings.Join(lines, "\n") + "\n"
	}

	writes := []pending{
		{file: "GITHUB_ENV", text: env, required: true},
		{file: "GITHUB_OUTPUT", text: outputs, required: true},
		// A missing summary file (a local run) is no reason to fail.
		{file: "GITHUB_STEP_SUMMARY", text: summary},
	}
	var open []*os.File
	defer func() {
		for _, f := range open {
			_ = f.Close()
		}
	}()
	for i := range writes {
		w := &writes[i]
		if w.text == "" {
			continue
		}
		path := r.getenv(w.file)
		if path == "" {
			if w.required {
				return &WriteError{File: w.file, Reason: "the variable is not set: run inside GitHub Actions, or point it at a file for a local run"}
			}
			continue
		}
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return &WriteError{File: w.file, Reason: err.Error()}
		}
		open = append(open, f)
		w.f = f
	}
	var errs []error
	for _, w := range writes {
		if w.f == nil {
			continue
		}
		if _, err := w.f.WriteString(w.text); err != nil {
			errs = append(errs, &WriteError{File: w.file, Reason: err.Error()})
		}
	}
	return errors.Join(errs...)
}

// pending is one file command waiting to be written.
type pending struct {
	file     string
	text     string
	required bool
	f        *os.File
}

// render turns vars into heredoc entries for one file command.
func (r *Runner) render(file string, vars []export.Var) (string, error) {
	var b strings.Builder
	for _, v := range vars {
		if err := checkName(file, v.Name); err != nil {
			return "", err
		}
		entry, err := heredoc(file, v.Name, v.Value.Reveal(), r.rand)
		if err != nil {
			return "", err
		}
		b.WriteString(entry)
	}
	return b.String(), nil
}
