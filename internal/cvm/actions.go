package cvm

// The actions this package calls.
const (
	describeInstancesStatus = "DescribeInstancesStatus"
)

// documentedRateLimits are the most requests per second the API documents for each action this
// package calls.
var documentedRateLimits = map[string]float64{
	describeInstancesStatus: 40,
}
