package vm

import "github.com/linuxhcs/hcs/schema"

// processorFeatures maps QEMU CPU feature names (as featureKey gives them) to HCS
// ProcessorFeature values.
var processorFeatures = map[string]schema.ProcessorFeature{
	"pni": "Sse3", "lahflm": "LahfSahf", "ssse3": "Ssse3", "sse41": "Sse4_1", "sse42": "Sse4_2",
	"sse4a": "Sse4A", "xop": "Xop", "popcnt": "Popcnt", "cx16": "Cmpxchg16B", "cr8legacy": "Altmovcr8",
	"abm": "Lzcnt", "misalignsse": "Misalignsse", "mmxext": "MmxExt", "3dnow": "Amd3Dnow",
	"3dnowext": "ExtAmd3Dnow", "pdpe1gb": "Page1Gb", "aes": "AmdAes", "pclmulqdq": "Pclmulqdq",
	"pcid": "Pcid", "fma4": "Fma4", "f16c": "F16C", "rdrand": "Rdrand", "fsgsbase": "Rdwrfsgs",
	"smep": "Smep", "erms": "EnhancedFastString", "bmi1": "Bmi1", "bmi2": "Bmi2", "movbe": "Movbe",
	"rdseed": "Rdseed", "adx": "Adx", "smap": "Smap", "hle": "Hle", "rtm": "Rtm", "rdtscp": "Rdtscp",
	"clflushopt": "Clflushopt", "clwb": "Clwb", "shani": "Sha", "invpcid": "Invpcid", "specctrl": "Ibrs",
	"stibp": "Stibp", "ibpb": "Ibpb", "umip": "Umip", "rdpid": "Rdpid", "la57": "La57", "mdclear": "MbClear",
	"invtsc": "TscInvariant", "clzero": "Clzero", "tscdeadline": "TscDeadlineTmr", "tscadjust": "TscAdjust",
	"fsrm": "FastShortRepMov", "serialize": "Serialize", "movdiri": "Movdiri", "movdir64b": "Movdir64b",
	"cldemote": "Cldemote", "waitpkg": "UmwaitTpause", "vmx": "NestedVirt", "svm": "NestedVirt",
}

// xsaveFeatures maps QEMU CPU feature names to HCS XsaveProcessorFeature values.
var xsaveFeatures = map[string]schema.XsaveProcessorFeature{
	"xsave": "Xsave", "xsaveopt": "Xsave_Opt", "avx": "Avx", "avx2": "Avx2", "fma": "Fma", "mpx": "Mpx",
	"avx512f": "Avx512", "avx512dq": "Avx512Dq", "avx512cd": "Avx512Cd", "avx512bw": "Avx512Bw",
	"avx512vl": "Avx512Vl", "xsavec": "Xsave_Comp", "xsaves": "Xsave_Supervisor",
	"avx512bitalg": "Avx512_Bitalg", "avx512ifma": "AVX512_Ifma", "avx512vbmi": "Avx512_Vbmi",
	"avx512vbmi2": "Avx512_Vbmi2", "avx512vnni": "Avx512_Vnni", "gfni": "Gfni", "vaes": "Vaes",
	"avx512vpopcntdq": "Avx512_Vpopcntdq", "vpclmulqdq": "Vpclmulqdq", "avx512bf16": "Avx512_Bf16",
}
