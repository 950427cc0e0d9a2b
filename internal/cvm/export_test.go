package cvm

import "context"

// PaceBurst is how many requests of an action in a region may go at once.
const PaceBurst = paceBurst

// Joining is how many callers wait in the calls of action in region that wait for their turn, so
// that tests can let the calls go once every caller they started is in one.
func (c *Client) Joining(action, region string) int {
	switch action {
	case describeInstancesStatus:
		return joining(c.statuses, action, region)
	case describeInstances:
		return joining(c.lookups, action, region)
	}
	return joining(c.operations, action, region)
}

func joining[T any](co *coalescer[T], action, region string) int {
	co.mu.Lock()
	defer co.mu.Unlock()
	n := 0
	for k, open := range co.open {
		if k.action == action && k.region == region {
			for _, j := range open {
				n += len(j.parts)
			}
		}
	}
	return n
}

// SendOperation sends o's operation for ids (at most 100) as one caller of a joined call.
func (c *Client) SendOperation(ctx context.Context, o Operation, ids []string) (string, error) {
	return c.sendOperation(ctx, o, ids, batchName([][]string{ids}, 0))
}

// LatestOperations looks up the latest operation of ids, joined with other look-ups.
func (c *Client) LatestOperations(ctx context.Context, region string, ids []string) (map[string]LatestOperation, error) {
	return c.latestOperations(ctx, region, ids)
}

// Pace is the pace of action in region now, in requests per second.
func (c *Client) Pace(action, region string) float64 {
	p := c.pace(action, region)
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rateAt(p.now())
}
