package emulator

import (
	"maps"
	"slices"
	"time"
)

// instanceObject is an instance as DescribeInstances answers it: every field of the API's
// Instance object, none left out, with the API's empty value where the emulator models nothing,
// so that a client that reads any field finds it.
type instanceObject struct {
	Placement                placement           `json:"Placement"`
	InstanceID               string              `json:"InstanceId"`
	InstanceType             string              `json:"InstanceType"`
	CPU                      int64               `json:"CPU"`
	Memory                   int64               `json:"Memory"`
	RestrictState            string              `json:"RestrictState"`
	InstanceName             string              `json:"InstanceName"`
	InstanceChargeType       string              `json:"InstanceChargeType"`
	SystemDisk               systemDisk          `json:"SystemDisk"`
	DataDisks                []dataDisk          `json:"DataDisks"`
	PrivateIPAddresses       []string            `json:"PrivateIpAddresses"`
	PublicIPAddresses        []string            `json:"PublicIpAddresses"`
	InternetAccessible       internetAccessible  `json:"InternetAccessible"`
	VirtualPrivateCloud      virtualPrivateCloud `json:"VirtualPrivateCloud"`
	ImageID                  string              `json:"ImageId"`
	RenewFlag                string              `json:"RenewFlag"`
	CreatedTime              string              `json:"CreatedTime"`
	ExpiredTime              string              `json:"ExpiredTime"`
	OsName                   string              `json:"OsName"`
	SecurityGroupIDs         []string            `json:"SecurityGroupIds"`
	LoginSettings            loginSettings       `json:"LoginSettings"`
	InstanceState            string              `json:"InstanceState"`
	Tags                     []tag               `json:"Tags"`
	StopChargingMode         string              `json:"StopChargingMode"`
	UUID                     string              `json:"Uuid"`
	LatestOperation          string              `json:"LatestOperation"`
	LatestOperationState     string              `json:"LatestOperationState"`
	LatestOperationRequestID string              `json:"LatestOperationRequestId"`
	DisasterRecoverGroupID   string              `json:"DisasterRecoverGroupId"`
	IPv6Addresses            []string            `json:"IPv6Addresses"`
	CamRoleName              string              `json:"CamRoleName"`
	HpcClusterID             string              `json:"HpcClusterId"`
	RdmaIPAddresses          []string            `json:"RdmaIpAddresses"`
	DedicatedClusterID       string              `json:"DedicatedClusterId"`
	IsolatedSource           string              `json:"IsolatedSource"`
	DisasterRecoverGroupIDs  []string            `json:"DisasterRecoverGroupIds"`
	GPUInfo                  gpuInfo             `json:"GPUInfo"`
	LicenseType              string              `json:"LicenseType"`
	DisableAPITermination    bool                `json:"DisableApiTermination"`
	HostName                 string              `json:"HostName"`
	DefaultLoginUser         string              `json:"DefaultLoginUser"`
	DefaultLoginPort         int64               `json:"DefaultLoginPort"`
	LatestOperationErrorMsg  string              `json:"LatestOperationErrorMsg"`
	EnableJumboFrame         bool                `json:"EnableJumboFrame"`
	Metadata                 metadata            `json:"Metadata"`
	PublicIPv6Addresses      []string            `json:"PublicIPv6Addresses"`
	CPUTopology              cpuTopology         `json:"CpuTopology"`
	PartitionNumber          int64               `json:"PartitionNumber"`
}

type placement struct {
	Zone                         string   `json:"Zone"`
	ProjectID                    int64    `json:"ProjectId"`
	HostIDs                      []string `json:"HostIds"`
	HostID                       string   `json:"HostId"`
	DedicatedResourcePackTenancy string   `json:"DedicatedResourcePackTenancy"`
	DedicatedResourcePackIDs     []string `json:"DedicatedResourcePackIds"`
	RackID                       string   `json:"RackId"`
}

type systemDisk struct {
	DiskType string `json:"DiskType"`
	DiskID   string `json:"DiskId"`
	DiskSize int64  `json:"DiskSize"`
	CdcID    string `json:"CdcId"`
	DiskName string `json:"DiskName"`
	Encrypt  bool   `json:"Encrypt"`
	KmsKeyID string `json:"KmsKeyId"`
}

type dataDisk struct {
	DiskSize              int64  `json:"DiskSize"`
	DiskType              string `json:"DiskType"`
	DiskID                string `json:"DiskId"`
	DeleteWithInstance    bool   `json:"DeleteWithInstance"`
	SnapshotID            string `json:"SnapshotId"`
	Encrypt               bool   `json:"Encrypt"`
	KmsKeyID              string `json:"KmsKeyId"`
	ThroughputPerformance int64  `json:"ThroughputPerformance"`
	CdcID                 string `json:"CdcId"`
	BurstPerformance      bool   `json:"BurstPerformance"`
	DiskName              string `json:"DiskName"`
}

type internetAccessible struct {
	InternetChargeType      string `json:"InternetChargeType"`
	InternetMaxBandwidthOut int64  `json:"InternetMaxBandwidthOut"`
	PublicIPAssigned        bool   `json:"PublicIpAssigned"`
	BandwidthPackageID      string `json:"BandwidthPackageId"`
	InternetServiceProvider string `json:"InternetServiceProvider"`
	IPv4AddressType         string `json:"IPv4AddressType"`
	IPv6AddressType         string `json:"IPv6AddressType"`
	AntiDDoSPackageID       string `json:"AntiDDoSPackageId"`
}

type virtualPrivateCloud struct {
	VpcID              string   `json:"VpcId"`
	SubnetID           string   `json:"SubnetId"`
	AsVpcGateway       bool     `json:"AsVpcGateway"`
	PrivateIPAddresses []string `json:"PrivateIpAddresses"`
	IPv6AddressCount   uint64   `json:"Ipv6AddressCount"`
}

type loginSettings struct {
	Password       string   `json:"Password"`
	KeyIDs         []string `json:"KeyIds"`
	KeepImageLogin string   `json:"KeepImageLogin"`
}

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type gpuInfo struct {
	GPUCount float64  `json:"GPUCount"`
	GPUID    []string `json:"GPUId"`
	GPUType  string   `json:"GPUType"`
}

type metadata struct {
	Items []tag `json:"Items"`
}

type cpuTopology struct {
	CoreCount     int64 `json:"CoreCount"`
	ThreadPerCore int64 `json:"ThreadPerCore"`
}

// object is inst as DescribeInstances answers it, with its latest operation if it has one.
func (inst Instance) object(latest *LatestOperation) instanceObject {
	tags := make([]tag, 0, len(inst.Tags))
	for _, key := range slices.Sorted(maps.Keys(inst.Tags)) {
		tags = append(tags, tag{Key: key, Value: inst.Tags[key]})
	}
	o := instanceObject{
		Placement:               placement{Zone: inst.Zone, ProjectID: inst.ProjectID, HostIDs: orEmpty(nil), HostID: inst.HostID, DedicatedResourcePackIDs: orEmpty(nil)},
		InstanceID:              inst.ID,
		InstanceType:            inst.InstanceType,
		CPU:                     inst.CPU,
		Memory:                  inst.Memory,
		RestrictState:           "NORMAL",
		InstanceName:            inst.Name,
		InstanceChargeType:      inst.ChargeType,
		SystemDisk:              systemDisk{DiskType: "CLOUD_BSSD", DiskID: "disk-" + shortID(inst.ID, "system"), DiskSize: 50},
		DataDisks:               []dataDisk{},
		PrivateIPAddresses:      orEmpty(inst.PrivateIPs),
		PublicIPAddresses:       orEmpty(inst.PublicIPs),
		InternetAccessible:      internetAccessible{InternetChargeType: "TRAFFIC_POSTPAID_BY_HOUR", PublicIPAssigned: len(inst.PublicIPs) > 0},
		VirtualPrivateCloud:     virtualPrivateCloud{VpcID: inst.VpcID, SubnetID: inst.SubnetID, PrivateIPAddresses: orEmpty(inst.PrivateIPs)},
		ImageID:                 inst.ImageID,
		RenewFlag:               "",
		CreatedTime:             inst.CreatedTime.UTC().Format(time.RFC3339),
		OsName:                  inst.OsName,
		SecurityGroupIDs:        orEmpty(inst.SecurityGroupIDs),
		LoginSettings:           loginSettings{KeyIDs: []string{}},
		InstanceState:           inst.State,
		Tags:                    tags,
		StopChargingMode:        "NOT_APPLICABLE",
		UUID:                    inst.UUID,
		IPv6Addresses:           orEmpty(inst.IPv6s),
		RdmaIPAddresses:         []string{},
		DedicatedClusterID:      inst.DedicatedClusterID,
		IsolatedSource:          "NOTISOLATED",
		DisasterRecoverGroupIDs: []string{},
		GPUInfo:                 gpuInfo{GPUID: []string{}},
		LicenseType:             "TencentCloud",
		HostName:                inst.Name,
		DefaultLoginUser:        "root",
		DefaultLoginPort:        22,
		Metadata:                metadata{Items: []tag{}},
		PublicIPv6Addresses:     []string{},
		CPUTopology:             cpuTopology{CoreCount: inst.CPU, ThreadPerCore: 1},
	}
	if inst.ChargeType == "PREPAID" {
		o.RenewFlag = "NOTIFY_AND_MANUAL_RENEW"
	}
	if !inst.ExpiredTime.IsZero() {
		o.ExpiredTime = inst.ExpiredTime.UTC().Format(time.RFC3339)
	}
	if latest != nil {
		o.LatestOperation, o.LatestOperationState = latest.Action, latest.State
		o.LatestOperationRequestID, o.LatestOperationErrorMsg = latest.RequestID, latest.ErrorMsg
	}
	return o
}

// orEmpty is s, or an empty list where the API answers [] rather than null.
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
