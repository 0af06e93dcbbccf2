package runner

import (
	"errors"
	"os"
	"strings"

	"github.com/federate-action/federate/internal/export"
)

// Commit hands the whole export set to the runner: every mask first, then
// GITHUB_ENV, GITHUB_OUTPUT and GITHUB_STATE, then the job summary.
// Everything is rendered and every file opened before the first byte is
// written, and a failed write truncates them back to their size before, so a bad
// name, a missing file, a full disk or a hostile value writes nothing: a
// failed step must not hand credentials to later `if: always()` steps.
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
	state, err := r.render("GITHUB_STATE", set.StateVars())
	if err != nil {
		return err
	}
	files := []*pending{{name: "GITHUB_ENV", text: env}, {name: "GITHUB_OUTPUT", text: outputs}, {name: "GITHUB_STATE", text: state}}
	defer func() {
		for _, f := range files {
			f.close()
		}
	}()
	for _, f := range files {
		if err := f.open(r.getenv(f.name)); err != nil {
			return err
		}
	}
	for _, f := range files {
		if err := f.write(); err != nil {
			return errors.Join(err, rollback(files))
		}
	}
	r.summary(set.SummaryLines())
	return nil
}

// summary appends the job summary. It is a report, not an export: a
// missing or unwritable summary file (a local run) is only a warning.
func (r *Runner) summary(lines []string) {
	path := r.getenv("GITHUB_STEP_SUMMARY")
	if len(lines) == 0 || path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		_, err = f.WriteString(strings.Join(lines, "\n") + "\n")
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		r.Warningf("could not write the job summary: %v", err)
	}
}

// pending is one file command waiting to be written.
type pending struct {
	name string // GITHUB_ENV, GITHUB_OUTPUT or GITHUB_STATE
	text string
	f    *os.File
	size int64 // the file's size before we wrote, to roll back to
}

func (p *pending) open(path string) error {
	if p.text == "" {
		return nil
	}
	if path == "" {
		return &WriteError{File: p.name, Reason: "the variable is not set: run inside GitHub Actions, or point it at a file for a local run"}
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return &WriteError{File: p.name, Reason: err.Error()}
	}
	info, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return &WriteError{File: p.name, Reason: err.Error()}
	}
	p.f, p.size = f, info.Size()
	return nil
}

func (p *pending) write() error {
	if p.f == nil {
		return nil
	}
	if _, err := p.f.WriteString(p.text); err != nil {
		return &WriteError{File: p.name, Reason: err.Error()}
	}
	return nil
}

func (p *pending) close() {
	if p.f != nil {
		_ = p.f.Close()
	}
}

// rollback truncates every opened file to its size before the commit.
func rollback(files []*pending) error {
	var errs []error
	for _, p := range files {
		if p.f != nil {
			if err := p.f.Truncate(p.size); err != nil {
				errs = append(errs, &WriteError{File: p.name, Reason: "could not undo a partial write: " + err.Error()})
			}
		}
	}
	return errors.Join(errs...)
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
