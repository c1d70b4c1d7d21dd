/* Hyper-V TLFS formats that vtlemu's guests see (DESIGN.md §5, §6): the hypercall
 * control word, hypercall inputs, HV_INITIAL_VP_CONTEXT, the VP assist page and the GPA
 * intercept message. Every layout has its size and offsets asserted. */
#ifndef VTL_HV_H
#define VTL_HV_H

#include <stddef.h>
#include <stdint.h>

#include "common/bits.h"

/* Hypercall call codes. */
#define HVCALL_MODIFY_VTL_PROTECTION_MASK  0x000C
#define HVCALL_ENABLE_PARTITION_VTL        0x000D
#define HVCALL_ENABLE_VP_VTL               0x000F
#define HVCALL_VTL_CALL                    0x0011
#define HVCALL_VTL_RETURN                  0x0012
#define HVCALL_GET_VP_REGISTERS            0x0050
#define HVCALL_SET_VP_REGISTERS            0x0051
/* vtlemu extension (outside the TLFS code space in use): assign a DMA device to a VTL. */
#define HVCALL_VTLEMU_ASSIGN_DEVICE        0x8001

/* Hypercall status codes (RAX bits 15:0). */
#define HV_STATUS_SUCCESS                  0x0000
#define HV_STATUS_INVALID_HYPERCALL_CODE   0x0002
#define HV_STATUS_INVALID_HYPERCALL_INPUT  0x0003
#define HV_STATUS_INVALID_ALIGNMENT        0x0004
#define HV_STATUS_INVALID_PARAMETER        0x0005
#define HV_STATUS_ACCESS_DENIED            0x0006
#define HV_STATUS_VTL_ALREADY_ENABLED      0x0086

/* Control word (RCX). */
#define HV_CONTROL_CODE(c)        ((unsigned)((c) & 0xFFFF))
#define HV_CONTROL_FAST           BIT64(16)
#define HV_CONTROL_REP_COUNT(c)   ((unsigned)GET_FIELD((c), 43, 32))
#define HV_CONTROL_REP_START(c)   ((unsigned)GET_FIELD((c), 59, 48))
/* Result (RAX). */
#define HV_RESULT(status, reps)   ((uint64_t)(status) | ((uint64_t)((reps) & 0xFFF) << 32))

#define HV_PARTITION_ID_SELF      (~UINT64_C(0))
#define HV_VP_INDEX_SELF          0xFFFFFFFEu

/* ModifyVtlProtectionMask map flags (plus vtlemu's copy-on-write extension). */
#define HV_MAP_GPA_READABLE       0x1u
#define HV_MAP_GPA_WRITABLE       0x2u
#define HV_MAP_GPA_KERNEL_EXEC    0x4u
#define HV_MAP_GPA_USER_EXEC      0x8u
#define HV_MAP_VTLEMU_COW_SHARE   0x100u
#define HV_MAP_VALID_MASK         0x10Fu

typedef struct hv_input_modify_vtl_protection_mask {
    uint64_t partition_id;
    uint32_t map_flags;
    uint8_t target_vtl;
    uint8_t reserved[3];
    /* followed by rep_count u64 GPA page numbers */
} hv_input_modify_vtl_protection_mask;
_Static_assert(sizeof(hv_input_modify_vtl_protection_mask) == 16, "ModifyVtlProtectionMask header");

typedef struct hv_input_enable_partition_vtl {
    uint64_t partition_id;
    uint8_t target_vtl;
    uint8_t flags;
    uint8_t reserved[6];
} hv_input_enable_partition_vtl;
_Static_assert(sizeof(hv_input_enable_partition_vtl) == 16, "EnablePartitionVtl input");

typedef struct hv_input_vtlemu_assign_device {
    uint64_t partition_id;
    uint16_t requester_id;     /* PCI bus:dev.fn, e.g. 0x0018 = 00:03.0 (dma0) */
    uint8_t target_vtl;
    uint8_t reserved[5];
} hv_input_vtlemu_assign_device;
_Static_assert(sizeof(hv_input_vtlemu_assign_device) == 16, "AssignDevice input");

/* TLFS HV_X64_SEGMENT_REGISTER and HV_X64_TABLE_REGISTER. */
typedef struct hv_segment {
    uint64_t base;
    uint32_t limit;
    uint16_t selector;
    uint16_t attributes;
} hv_segment;
_Static_assert(sizeof(hv_segment) == 16, "segment register");

typedef struct hv_table {
    uint16_t pad[3];
    uint16_t limit;
    uint64_t base;
} hv_table;
_Static_assert(sizeof(hv_table) == 16, "table register");

typedef struct hv_initial_vp_context {
    uint64_t rip, rsp, rflags;
    hv_segment cs, ds, es, fs, gs, ss, tr, ldtr;
    hv_table idtr, gdtr;
    uint64_t efer, cr0, cr3, cr4, msr_cr_pat;
} hv_initial_vp_context;
_Static_assert(sizeof(hv_initial_vp_context) == 224, "HV_INITIAL_VP_CONTEXT");
_Static_assert(offsetof(hv_initial_vp_context, cs) == 0x18, "cs");
_Static_assert(offsetof(hv_initial_vp_context, idtr) == 0x98, "idtr");
_Static_assert(offsetof(hv_initial_vp_context, efer) == 0xB8, "efer");

typedef struct hv_input_enable_vp_vtl {
    uint64_t partition_id;
    uint32_t vp_index;
    uint8_t target_vtl;
    uint8_t reserved[3];
    hv_initial_vp_context context;
} hv_input_enable_vp_vtl;
_Static_assert(sizeof(hv_input_enable_vp_vtl) == 240, "EnableVpVtl input");

/* Get/SetVpRegisters header; input_vtl bits 3:0 target VTL, bit 4 "use target VTL". */
typedef struct hv_input_vp_registers {
    uint64_t partition_id;
    uint32_t vp_index;
    uint8_t input_vtl;
    uint8_t reserved[3];
    /* Get: rep u32 names; Set: rep hv_register_assoc */
} hv_input_vp_registers;
_Static_assert(sizeof(hv_input_vp_registers) == 16, "Get/SetVpRegisters header");
#define HV_INPUT_VTL_TARGET(v)    ((unsigned)((v) & 0xF))
#define HV_INPUT_VTL_USE_TARGET   0x10u

typedef struct hv_register_assoc {
    uint32_t name;
    uint32_t pad0;
    uint64_t pad1;
    uint64_t value_low, value_high;
} hv_register_assoc;
_Static_assert(sizeof(hv_register_assoc) == 32, "register association");

/* Register names (TLFS). */
#define HV_REG_RAX     0x00020000u   /* ..R15 = 0x0002000F in encoding order */
#define HV_REG_R15     0x0002000Fu
#define HV_REG_RIP     0x00020010u
#define HV_REG_RFLAGS  0x00020011u
#define HV_REG_CR0     0x00040000u
#define HV_REG_CR2     0x00040001u
#define HV_REG_CR3     0x00040002u
#define HV_REG_CR4     0x00040003u
#define HV_REG_EFER    0x00080001u

/* VP assist page (one 4 KiB page per VTL). */
#define HV_VP_ASSIST_ENTRY_REASON   0x08   /* u32 */
#define HV_VP_ASSIST_VTL_RET_RAX    0x10   /* u64 */
#define HV_VP_ASSIST_VTL_RET_RCX    0x18   /* u64 */
#define HV_VP_ASSIST_INTERCEPT_MSG  0x70   /* hv_message */

#define HV_ENTRY_REASON_VTL_CALL   1u
#define HV_ENTRY_REASON_INTERRUPT  2u
#define HV_ENTRY_REASON_INTERCEPT  3u

#define HV_MESSAGE_GPA_INTERCEPT   0x80000001u
#define HV_INTERCEPT_ACCESS_READ   0
#define HV_INTERCEPT_ACCESS_WRITE  1
#define HV_INTERCEPT_ACCESS_EXECUTE 2

typedef struct hv_gpa_intercept {
    uint32_t vp_index;
    uint8_t insn_length;        /* low 4 bits */
    uint8_t access;             /* HV_INTERCEPT_ACCESS_* */
    uint16_t exec_state;        /* bits 1:0 CPL */
    hv_segment cs;
    uint64_t rip;
    uint64_t rflags;            /* @0x20 */
    uint32_t cache_type;
    uint8_t insn_byte_count;
    uint8_t access_info;
    uint16_t pad;
    uint64_t gva;               /* @0x30 */
    uint64_t gpa;               /* @0x38 */
    uint8_t insn_bytes[16];     /* @0x40 */
} hv_gpa_intercept;
_Static_assert(sizeof(hv_gpa_intercept) == 0x50, "GPA intercept payload");
_Static_assert(offsetof(hv_gpa_intercept, rflags) == 0x20, "rflags");
_Static_assert(offsetof(hv_gpa_intercept, gva) == 0x30, "gva");
_Static_assert(offsetof(hv_gpa_intercept, gpa) == 0x38, "gpa");
_Static_assert(offsetof(hv_gpa_intercept, insn_bytes) == 0x40, "instruction bytes");

typedef struct hv_message {
    uint32_t type;
    uint8_t payload_size;
    uint8_t flags;
    uint16_t reserved;
    uint64_t sender;
    hv_gpa_intercept gpa;
} hv_message;
_Static_assert(sizeof(hv_message) == 0x60, "message header + GPA intercept");

#endif
