// Package export collects everything one run hands to the workflow: env vars,
// step outputs, masks and job-summary lines. It is computed in full before
// anything is written, so a failed run writes nothing.
package export

import (
	"fmt"
	"strings"

	"github.com/federate-action/federate/internal/secret"
)

// Value is what an env var or an output holds: public text, or a secret
// that is masked before anything is written.
type Value struct {
	public   string
	secret   secret.String
	isSecret bool
}

// Public returns a value that may appear in logs (a region, an ARN).
func Public(s string) Value { return Value{public: s} }

// Secret returns a value that is masked and never printed.
func Secret(s secret.String) Value { return Value{secret: s, isSecret: true} }

// IsSecret reports whether v must be masked.
func (v Value) IsSecret() bool { return v.isSecret }

// Reveal returns the text to write to a file command.
func (v Value) Reveal() string {
	if v.isSecret {
		return v.secret.Reveal()
	}
	return v.public
}

// String prints public values and redacts secret ones.
func (v Value) String() string {
	if v.isSecret {
		return v.secret.String()
	}
	return v.public
}

// Var is one named value: an env var or a step output.
type Var struct {
	Name   string
	Value  Value
	Source string // what produced it, to name both sides of a collision
}

// Set is the whole export of one run, in the order it was added.
type Set struct {
	env     []Var
	outputs []Var
	state   []Var
	masks   []secret.String
	summary []string
}

// CollisionError reports two sources that want the same env or output name.
// Silently keeping the last one (vault-action's behaviour) hands a workflow
// the wrong credential without a word.
type CollisionError struct {
	Kind, Name, First, Second string
}

func (e *CollisionError) Error() string {
	return fmt.Sprintf("%s %s is set twice: by %s and by %s; give one of them another name",
		e.Kind, e.Name, e.First, e.Second)
}

// Title is the annotation title for the error.
func (e *CollisionError) Title() string { return "Duplicate " + e.Kind + " " + e.Name }

// Env adds an env var; a name already set is an error.
func (s *Set) Env(name string, v Value, source string) error {
	return s.add(&s.env, "env var", Var{Name: name, Value: v, Source: source}, sameName)
}

// Output adds a step output; a name already set is an error. Output names
// are compared without case: expressions (steps.x.outputs.token) are
// case-insensitive, so TOKEN and token would be one output.
func (s *Set) Output(name string, v Value, source string) error {
	return s.add(&s.outputs, "output", Var{Name: name, Value: v, Source: source}, strings.EqualFold)
}

// State saves a value for this action's post step (GITHUB_STATE), which
// gets it back as the env var STATE_<name>.
func (s *Set) State(name string, v Value, source string) error {
	return s.add(&s.state, "state", Var{Name: name, Value: v, Source: source}, sameName)
}

func sameName(a, b string) bool { return a == b }

func (s *Set) add(list *[]Var, kind string, v Var, same func(a, b string) bool) error {
	for _, have := range *list {
		if same(have.Name, v.Name) {
			return &CollisionError{Kind: kind, Name: v.Name, First: have.Source, Second: v.Source}
		}
	}
	*list = append(*list, v)
	if v.Value.IsSecret() {
		s.Mask(v.Value.secret)
	}
	return nil
}

// Mask registers a secret that is masked even if it is not exported (for
// example an account id the user asked to hide inside a public ARN).
func (s *Set) Mask(v secret.String) { s.masks = append(s.masks, v) }

// Summary adds a Markdown line to the job summary. It takes plain strings on
// purpose: a secret.String cannot be passed here by mistake.
func (s *Set) Summary(markdown string) { s.summary = append(s.summary, markdown) }

// EnvVars returns the env vars in the order they were added.
func (s *Set) EnvVars() []Var { return s.env }

// Outputs returns the step outputs in the order they were added.
func (s *Set) Outputs() []Var { return s.outputs }

// StateVars returns what is saved for the post step.
func (s *Set) StateVars() []Var { return s.state }

// Masks returns every secret to mask, exported or not.
func (s *Set) Masks() []secret.String { return s.masks }

// SummaryLines returns the job-summary Markdown lines.
func (s *Set) SummaryLines() []string { return s.summary }
