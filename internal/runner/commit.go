package runner

import (
	"errors"
	"os"
	"strings"

	"github.com/federate-action/federate/internal/export"
)

// Commit hands the whole export set to the runner: every mask first, then
// the files (profile files, a program copy), then GITHUB_ENV, GITHUB_OUTPUT
// and GITHUB_STATE, then the job summary. The files come before the
// variables that point at them, and a failure at any point removes every
// file and directory this commit created.
//
// Every entry is rendered before the first file is written, and every file
// command opened and locked before its first byte is written; a failed
// write blanks out what this commit wrote to the file commands, so
// a missing file, a full disk or a hostile value leaves nothing a later
// step would read: a failed step must not hand credentials to later
// `if: always()` steps. Other processes may append to the same files at the
// same time; their entries are never touched (see pending).
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
	made, err := writeFiles(set.Files())
	if err != nil {
		return errors.Join(err, made.remove())
	}
	if err := r.commitCommands(env, outputs, state); err != nil {
		return errors.Join(err, made.remove())
	}
	r.summary(set.SummaryLines())
	return nil
}

// commitCommands writes the rendered file commands, all or nothing.
func (r *Runner) commitCommands(env, outputs, state string) error {
	files := sameFileOnce([]*pending{
		{name: "GITHUB_ENV", path: r.getenv("GITHUB_ENV"), text: env},
		{name: "GITHUB_OUTPUT", path: r.getenv("GITHUB_OUTPUT"), text: outputs},
		{name: "GITHUB_STATE", path: r.getenv("GITHUB_STATE"), text: state},
	})
	defer func() {
		for _, f := range files {
			f.close()
		}
	}()
	for _, f := range files {
		if err := f.open(r.lockWait); err != nil {
			return err
		}
	}
	for _, f := range files {
		if err := f.write(); err != nil {
			return errors.Join(err, undo(files))
		}
	}
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
		_, err = appendOnce(f, []byte(strings.Join(lines, "\n")+"\n"))
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		r.Warningf("could not write the job summary: %v", err)
	}
}

// render turns vars into heredoc entries for one file command. Names and
// values were checked when they were added to the export.Set.
func (r *Runner) render(file string, vars []export.Var) (string, error) {
	var b strings.Builder
	for _, v := range vars {
		entry, err := heredoc(file, v.Name, v.Value.Reveal(), r.rand)
		if err != nil {
			return "", err
		}
		b.WriteString(entry)
	}
	return b.String(), nil
}
