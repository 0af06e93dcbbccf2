package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/secret"
)

func creds(id string) awssts.Credentials {
	return awssts.Credentials{AccessKeyID: secret.New(id), SecretAccessKey: secret.New(id + "-secret"), SessionToken: secret.New(id + "-session")}
}

func TestVaultAWSCredentials_WaitsForTheAWSSide(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fromRole bool
		res      awsResult
		awsErr   error
		wantKey  string
		wantErr  error
	}{
		{"role_to_assumes_credentials", true, awsResult{creds: creds("ASSUMED"), assumed: true}, nil, "ASSUMED", nil},
		{"the_environments_when_use_existing_kept_them", true, awsResult{}, nil, "ENV", nil},
		{"none_when_the_aws_side_failed", true, awsResult{}, errors.New("sts down"), "", errNoAWSForVault},
		{"the_environments_without_role_to_assume", false, awsResult{creds: creds("ASSUMED"), assumed: true}, nil, "ENV", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var res awsResult
			var awsErr error
			side := awsSide{done: make(chan struct{}), res: &res, err: &awsErr}
			get := vaultAWSCredentials(&plan.AWSLoginPlan{FromRole: tt.fromRole}, side, creds("ENV"))
			got := make(chan string, 1)
			gotErr := make(chan error, 1)
			go func() {
				c, err := get(context.Background())
				got <- c.AccessKeyID
				gotErr <- err
			}()
			if tt.fromRole {
				select {
				case <-got:
					t.Fatal("returned before the AWS side was done")
				case <-time.After(50 * time.Millisecond):
				}
			}
			res, awsErr = tt.res, tt.awsErr
			close(side.done)
			assert.Equal(t, tt.wantKey, <-got)
			assert.Equal(t, tt.wantErr, <-gotErr)
		})
	}
}

func TestVaultAWSCredentials_StopsWithTheStep(t *testing.T) {
	t.Parallel()
	var res awsResult
	var awsErr error
	get := vaultAWSCredentials(&plan.AWSLoginPlan{FromRole: true}, awsSide{done: make(chan struct{}), res: &res, err: &awsErr}, creds("ENV"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := get(ctx)
	require.ErrorIs(t, err, context.Canceled)
}
