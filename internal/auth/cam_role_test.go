package auth_test

import (
	"context"
	"strings"
	"testing"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
)

func TestUnreachableMetadataServiceFailsClearly(t *testing.T) {
	t.Parallel()
	// Nothing listens on port 9 of the loopback address: the connection is refused at once.
	_, err := auth.CAMRole("127.0.0.1:9", "reader").Credential(context.Background())
	if err == nil || !strings.Contains(err.Error(), `the CAM role "reader" gave no keys at http://127.0.0.1:9/`) ||
		!strings.Contains(err.Error(), "answers only on a CVM instance") {
		t.Fatalf("unexpected error %v", err)
	}
}
