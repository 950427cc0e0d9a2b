package main

import (
	"fmt"
	"strings"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// actions are the CVM API's actions the provider calls, in the order a cost names them.
var actions = []string{"DescribeInstancesStatus", "DescribeInstances", "StartInstances", "StopInstances", "RebootInstances"}

// costSince is what the emulator was asked since it saw before, such as
// "4 DescribeInstancesStatus, 1 StopInstances (for 62 instances)", from the emulator's own count.
func (d *demo) costSince(before emulator.Stats) string {
	now := d.emu.Stats()
	var parts []string
	total := 0
	for _, action := range actions {
		n := now.Calls[action] - before.Calls[action]
		if n == 0 {
			continue
		}
		total += n
		part := fmt.Sprintf("%d %s", n, action)
		if operated := now.Operated[action] - before.Operated[action]; operated > 0 {
			part += fmt.Sprintf(" (for %s)", plural(operated, "instance"))
		}
		parts = append(parts, part)
	}
	if throttled := now.Throttled - before.Throttled; throttled > 0 {
		parts = append(parts, fmt.Sprintf("%d of them throttled", throttled))
	}
	if total == 0 {
		return "none"
	}
	return fmt.Sprintf("%d: %s", total, strings.Join(parts, ", "))
}

// plural is "1 instance" or "50 instances".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
