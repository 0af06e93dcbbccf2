// Package testbed runs the action end to end against real local servers: a
// moto_server standing in for AWS STS, a FaultProxy that injects the failures
// real networks produce, and a Step that executes the built binary the way the
// GitHub runner executes a container action's step and reads its file
// commands back with runnertest. SDKCallers play the later steps: real boto3
// and aws-sdk-go-v2 processes that resolve credentials from what the step left
// behind and report what sts:GetCallerIdentity answers.
//
// Nothing here imports package testing, so the same harness drives both the
// end-to-end tests and the demo program.
package testbed
