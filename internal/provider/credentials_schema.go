package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The arguments the blocks that take on a role share.

func roleARNAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "The role " + what + ", such as `qcs::cam::uin/100000000001:roleName/reader`. Environment variable: `" +
			envAssumeRoleARN + "`.",
	}
}

func sessionNameAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "The name of the role session, shown in CloudAudit. Environment variable: `" +
			envAssumeRoleSessionName + "`. Default: `" + defaultSessionName + "`.",
	}
}

func sessionDurationAttribute() schema.Int64Attribute {
	return schema.Int64Attribute{
		Optional: true,
		MarkdownDescription: "How long the temporary keys last, in seconds (1 to 43200); they are renewed before they " +
			"expire. Environment variable: `" + envAssumeRoleSessionDuration + "`. Default: `7200`.",
		Validators: []validator.Int64{int64validator.Between(1, maxSessionDuration)},
	}
}

func assumeRoleBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "Take on a CAM role with STS `AssumeRole`, signed with the keys found otherwise (or with the " +
			"temporary keys of a source that needs none); its temporary keys then sign every request and are renewed " +
			"before they expire.",
		Attributes: map[string]schema.Attribute{
			"role_arn":         roleARNAttribute("to take on"),
			"session_name":     sessionNameAttribute(),
			"session_duration": sessionDurationAttribute(),
			"policy": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "A policy, as JSON, that narrows what the temporary keys may do.",
			},
			"external_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The external ID the role's trust policy requires. Environment variable: `" +
					envAssumeRoleExternalID + "`.",
			},
			"source_identity": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Who takes on the role, recorded with the session. Environment variable: `" +
					envAssumeRoleSourceIdentity + "`.",
			},
			"serial_number": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The MFA device of the user whose keys sign `AssumeRole`, for a role whose trust policy " +
					"asks for MFA, such as `qcs::cam:uin/100000000001::mfa/softToken`. Environment variable: `" +
					envAssumeRoleSerialNumber + "`.",
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("token_code"))},
			},
			"token_code": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "The code the MFA device of `serial_number` shows now. It is valid only briefly and is sent " +
					"again when the keys are renewed, so set `session_duration` to cover the run. Environment variable: `" +
					envAssumeRoleTokenCode + "`.",
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("serial_number"))},
			},
		},
	}
}

func webIdentityBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "Take on a CAM role with an OIDC token, such as a CI runner's, through STS " +
			"`AssumeRoleWithWebIdentity`. Needs no keys. The token file is read again at each renewal, since runners " +
			"and pods replace the token before it expires.",
		Attributes: map[string]schema.Attribute{
			"role_arn": roleARNAttribute("whose trust policy allows the identity provider"),
			"web_identity_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "The OIDC token. Environment variable: `" + envWebIdentityToken + "`. Set this or " +
					"`web_identity_token_file`.",
				Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("web_identity_token_file"))},
			},
			"web_identity_token_file": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The file that holds the OIDC token. Environment variable: `" + envWebIdentityTokenFile +
					"`, which wins over `" + envWebIdentityToken + "` when both are set.",
			},
			"provider_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The identity provider that issued the token, as named in CAM. Environment variable: `" +
					envProviderID + "`. Default: `" + defaultProviderID + "`.",
			},
			"session_name":     sessionNameAttribute(),
			"session_duration": sessionDurationAttribute(),
		},
	}
}

func samlBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "Take on a CAM role with the SAML assertion of a company's identity provider, through STS " +
			"`AssumeRoleWithSAML`. Needs no keys. An assertion is valid for minutes, and renewing the keys sends it " +
			"again, so set `session_duration` to cover the run.",
		Attributes: map[string]schema.Attribute{
			"role_arn": roleARNAttribute("whose trust policy allows the identity provider"),
			"principal_arn": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The SAML identity provider, such as `qcs::cam::uin/100000000001:saml-provider/corp`. " +
					"Environment variable: `" + envPrincipalARN + "`.",
			},
			"saml_assertion": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "The base64-encoded SAML response. Environment variable: `" + envSAMLAssertion + "`.",
			},
			"session_name":     sessionNameAttribute(),
			"session_duration": sessionDurationAttribute(),
		},
	}
}
