package cli

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Flag is one command-line flag: an action input (from action.yml), a
// command-line-only input, or an option of the command line itself.
type Flag struct {
	Name        string
	Description string
	Default     string // action.yml's default, shown in help; never applied here (plan has the same defaults)
	Bool        bool   // --name alone means true
	// Input is whether the flag reaches the pipeline as INPUT_<NAME>;
	// false for the command line's own options (--format, --verbose).
	Input bool
}

// cliInputs are the inputs only the command line has: how to find the ID
// token away from GitHub Actions. They are not action inputs, so
// action.yml does not list them.
var cliInputs = []Flag{
	{Name: "id-token-env", Input: true, Description: "Read the ID token from this environment variable (GitLab CI: the name given under id_tokens:)."},
	{Name: "id-token-file", Input: true, Description: "Read the ID token from this file."},
}

// cliOptions are the command line's own options.
var cliOptions = []Flag{
	{Name: "verbose", Bool: true, Description: "Print what federate does on stderr (it prints only warnings and errors otherwise)."},
}

// formatFlag is env's one option of its own.
var formatFlag = Flag{Name: "format", Description: "How env prints the variables: shell (export NAME='value', for eval), dotenv (NAME=\"value\") or json (one object)."}

// ParseTable reads the inputs of action.yml, in their order: the one list
// of inputs the action and the command line share.
func ParseTable(actionYAML []byte) ([]Flag, error) {
	var doc struct {
		Inputs yaml.Node `yaml:"inputs"`
	}
	if err := yaml.Unmarshal(actionYAML, &doc); err != nil {
		return nil, fmt.Errorf("reading action.yml: %w", err)
	}
	if doc.Inputs.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("reading action.yml: no inputs mapping")
	}
	var flags []Flag
	for i := 0; i+1 < len(doc.Inputs.Content); i += 2 {
		var in struct {
			Description string `yaml:"description"`
			Default     string `yaml:"default"`
		}
		if err := doc.Inputs.Content[i+1].Decode(&in); err != nil {
			return nil, fmt.Errorf("reading action.yml input %s: %w", doc.Inputs.Content[i].Value, err)
		}
		flags = append(flags, Flag{Name: doc.Inputs.Content[i].Value, Description: in.Description,
			Default: in.Default, Bool: in.Default == "true" || in.Default == "false", Input: true})
	}
	return flags, nil
}
