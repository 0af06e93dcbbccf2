// Package export collects everything one run hands to the workflow: env vars,
// step outputs, masks and job-summary lines. It is computed in full before
// anything is written, so a failed run writes nothing. It is also the one
// place for the rules of what may be exported: a Set refuses a name later
// steps could not use or the runner would drop, and a value that would not
// reach them whole.
package export

import (
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
	files   []File
}

// Env adds an env var. The name must be one later steps can use and the
// runner accepts (CheckEnvName), the value must reach them whole
// (checkValue), and a name already set is an error.
func (s *Set) Env(name string, v Value, source string) error {
	return s.add(&s.env, Var{Name: name, Value: v, Source: source}, envRule)
}

// Output adds a step output, under the same rules as Env with the output
// name rule (CheckOutputName). Output names are compared without case:
// expressions (steps.x.outputs.token) are case-insensitive, so TOKEN and
// token would be one output.
func (s *Set) Output(name string, v Value, source string) error {
	return s.add(&s.outputs, Var{Name: name, Value: v, Source: source}, outputRule)
}

// State saves a value for this action's post step (GITHUB_STATE), which
// gets it back as the env var STATE_<name>.
func (s *Set) State(name string, v Value, source string) error {
	return s.add(&s.state, Var{Name: name, Value: v, Source: source}, stateRule)
}

// rule is what one kind of export accepts.
type rule struct {
	kind  string
	check func(name string) *NameError
	same  func(a, b string) bool // whether two names are one
}

var (
	envRule    = rule{kindEnv, envNameError, sameName}
	outputRule = rule{kindOutput, outputNameError, strings.EqualFold}
	stateRule  = rule{kindState, stateNameError, sameName}
)

func sameName(a, b string) bool { return a == b }

// add checks v's name and value, then its name against those already in
// list, so that a Set only ever holds what the runner hands on whole.
func (s *Set) add(list *[]Var, v Var, r rule) error {
	if bad := r.check(v.Name); bad != nil {
		bad.Source = v.Source
		return bad
	}
	if reason := checkValue(v.Value.Reveal()); reason != "" {
		return &ValueError{Kind: r.kind, Name: v.Name, Source: v.Source, Reason: reason}
	}
	for _, have := range *list {
		if r.same(have.Name, v.Name) {
			return &CollisionError{Kind: r.kind, Name: v.Name, First: have.Source, Second: v.Source}
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
