package awsprofiles_test

import (
	"fmt"
	"time"

	"github.com/federate-action/federate/internal/awsprofiles"
)

func ExampleParse() {
	profiles, err := awsprofiles.Parse(`
audit    arn:aws:iam::444444444444:role/read  source=prod  external-id=ci-audit
prod     arn:aws:iam::222222222222:role/deploy
staging  deploy  account=333333333333  region=us-east-1   # a comment
`, awsprofiles.Defaults{Region: "eu-west-1", SessionName: "GitHubActions", Duration: time.Hour})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range profiles {
		fmt.Printf("%s %s %s %s source=%q\n", p.Name, p.RoleARN, p.Region, p.Duration, p.Source)
	}

	_, err = awsprofiles.Parse("prod arn:aws:iam::222222222222:role/deploy regoin=us-east-1", awsprofiles.Defaults{Region: "eu-west-1"})
	fmt.Println(err)
	// Output:
	// prod arn:aws:iam::222222222222:role/deploy eu-west-1 1h0m0s source=""
	// audit arn:aws:iam::444444444444:role/read eu-west-1 1h0m0s source="prod"
	// staging arn:aws:iam::333333333333:role/deploy us-east-1 1h0m0s source=""
	// aws-profiles line 1, column 44: unknown key "regoin": use one of account, region, session-name, duration, source, external-id
}
