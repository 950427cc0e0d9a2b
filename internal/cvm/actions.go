package cvm

// The actions this package calls.
const (
	describeInstancesStatus = "DescribeInstancesStatus"
	describeInstances       = "DescribeInstances"
	startInstances          = "StartInstances"
	stopInstances           = "StopInstances"
	rebootInstances         = "RebootInstances"
)

// documentedRateLimits are the most requests per second the API documents for each action this
// package calls.
var documentedRateLimits = map[string]float64{
	describeInstancesStatus: 40,
	describeInstances:       40,
	startInstances:          10,
	stopInstances:           10,
	rebootInstances:         10,
}
