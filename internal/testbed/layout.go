package testbed

import (
	"fmt"
	"os"
	"path/filepath"
)

// layout is the directory tree the runner prepares for one step, scaled down
// to a temp dir: the mounts /github/file_commands, /github/workspace,
// /github/home and /github/runner_temp of a container action.
type layout struct {
	workspace, home, runnerTemp string
	env, output, state, summary string // file-command files
	path                        string // GITHUB_PATH file
}

// newLayout creates the tree under dir. Like FileCommandManager.InitializeFiles
// it creates each file command empty, named <prefix><GUID>, one GUID per step.
func newLayout(dir string) (layout, error) {
	suffix := newUUID()
	fc := filepath.Join(dir, "file_commands")
	l := layout{
		workspace:  filepath.Join(dir, "workspace"),
		home:       filepath.Join(dir, "home"),
		runnerTemp: filepath.Join(dir, "runner_temp"),
		env:        filepath.Join(fc, "set_env_"+suffix),
		output:     filepath.Join(fc, "set_output_"+suffix),
		state:      filepath.Join(fc, "save_state_"+suffix),
		summary:    filepath.Join(fc, "step_summary_"+suffix),
		path:       filepath.Join(fc, "add_path_"+suffix),
	}
	for _, d := range []string{fc, l.workspace, l.home, l.runnerTemp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return layout{}, fmt.Errorf("step layout: %w", err)
		}
	}
	for _, f := range []string{l.env, l.output, l.state, l.summary, l.path} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			return layout{}, fmt.Errorf("step layout: %w", err)
		}
	}
	return l, nil
}

// readOptional returns a file's text, "" if the step deleted it.
func readOptional(path string) (string, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "", nil
	}
	return string(b), err
}

// mounted is l as the container sees it: the same files under the
// runner's mount points.
func (l layout) mounted() layout {
	fc := "/github/file_commands/"
	return layout{
		workspace:  "/github/workspace",
		home:       "/github/home",
		runnerTemp: "/github/runner_temp",
		env:        fc + filepath.Base(l.env),
		output:     fc + filepath.Base(l.output),
		state:      fc + filepath.Base(l.state),
		summary:    fc + filepath.Base(l.summary),
		path:       fc + filepath.Base(l.path),
	}
}
