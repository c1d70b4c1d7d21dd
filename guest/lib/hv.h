/* The Hyper-V TLFS subset vtlemu implements (DESIGN.md §5, §6), as guest code needs it:
 * call codes, statuses, the control word, input layouts, register names, the VP assist
 * page and the GPA-intercept message. The emulator's own vtl/hv.h has the same formats;
 * this copy exists because that one pulls in emulator headers (common/bits.h defines
 * PAGE_SIZE, as guest headers do). Layouts are asserted against the TLFS offsets. */
#ifndef GUEST_LIB_HV_H
#define GUEST_LIB_HV_H

#include <stddef.h>
#include <stdint.h>

/* Call codes. */
#define HVCALL_MODIFY_VTL_PROTECTION_MASK  0x000Cu
#define HVCALL_ENABLE_PARTITION_VTL        0x000Du
#define HVCALL_ENABLE_VP_VTL               0x000Fu
#define HVCALL_VTL_CALL                    0x0011u
#define HVCALL_VTL_RETURN                  0x0012u
#define HVCALL_GET_VP_REGISTERS            0x0050u
#define HVCALL_SET_VP_REGISTERS            0x0051u
/* vtlemu extension: give a DMA device to a VTL (only a VTL above 0 may call it). */
#define HVCALL_VTLEMU_ASSIGN_DEVICE        0x8001u

/* Statuses (RAX bits 15:0). */
#define HV_STATUS_SUCCESS                  0x0000u
#define HV_STATUS_INVALID_HYPERCALL_CODE   0x0002u
#define HV_STATUS_INVALID_HYPERCALL_INPUT  0x0003u
#define HV_STATUS_INVALID_ALIGNMENT        0x0004u
#define HV_STATUS_INVALID_PARAMETER        0x0005u
#define HV_STATUS_ACCESS_DENIED            0x0006u
#define HV_STATUS_VTL_ALREADY_ENABLED      0x0086u

/* Control word (RCX): code, fast bit, rep count 43:32, rep start 59:48. */
#define HV_CONTROL_FAST              (1ull << 16)
#define HV_CONTROL_REPS(count, start) \
    (((uint64_t)(count) & 0xFFF) << 32 | ((uint64_t)(start) & 0xFFF) << 48)
/* Result (RAX): status 15:0, reps completed 43:32. */
#define HV_RESULT_STATUS(rax)        ((unsigned)((rax) & 0xFFFF))
#define HV_RESULT_REPS(rax)          ((unsigned)(((rax) >> 32) & 0xFFF))

#define HV_PARTITION_ID_SELF         (~0ull)
#define HV_VP_INDEX_SELF             0xFFFFFFFEu

/* ModifyVtlProtectionMask flags; 0x100 is vtlemu's copy-on-write extension. */
#define HV_MAP_GPA_READABLE          0x1u
#define HV_MAP_GPA_WRITABLE          0x2u
#define HV_MAP_GPA_KERNEL_EXEC       0x4u
#define HV_MAP_GPA_USER_EXEC         0x8u
#define HV_MAP_VTLEMU_COW_SHARE      0x100u
#define HV_MAP_NONE                  0x0u
#define HV_MAP_FULL                  0xFu

struct hv_modify_vtl_protection_mask {
    uint64_t partition_id;
    uint32_t map_flags;
    uint8_t target_vtl;
    uint8_t reserved[3];
    uint64_t gpa_page[];        /* the rep list: GPA >> 12 */
};
_Static_assert(sizeof(struct hv_modify_vtl_protection_mask) == 16, "TLFS header");

/* Get/SetVpRegisters header; input_vtl bits 3:0 the target VTL, bit 4 "use it". */
struct hv_vp_registers {
    uint64_t partition_id;
    uint32_t vp_index;
    uint8_t input_vtl;
    uint8_t reserved[3];
};
_Static_assert(sizeof(struct hv_vp_registers) == 16, "TLFS header");
#define HV_INPUT_VTL(vtl)            (0x10u | ((vtl) & 0xFu))

/* HvCallVtlemuAssignDevice input (memory, 8-byte aligned). Statuses: 6 when called from
 * VTL0 or for a target VTL above the caller's, 5 for an unknown device or VTL. */
struct hv_vtlemu_assign_device {
    uint64_t partition_id;      /* HV_PARTITION_ID_SELF */
    uint16_t requester_id;      /* bus:dev.fn, 0x0018 = dma0 */
    uint8_t target_vtl;
    uint8_t reserved[5];
};
_Static_assert(sizeof(struct hv_vtlemu_assign_device) == 16, "vtlemu AssignDevice input");

/* One SetVpRegisters rep (and, without name and pads, one GetVpRegisters output). */
struct hv_register_assoc {
    uint32_t name;
    uint32_t pad0;
    uint64_t pad1;
    uint64_t value_low, value_high;
};
_Static_assert(sizeof(struct hv_register_assoc) == 32, "TLFS register association");

/* Register names. General purpose registers go in encoding order from HV_REG_RAX. */
#define HV_REG_RAX     0x00020000u
#define HV_REG_RCX     0x00020001u
#define HV_REG_RSP     0x00020004u
#define HV_REG_RIP     0x00020010u
#define HV_REG_RFLAGS  0x00020011u
#define HV_REG_CR0     0x00040000u
#define HV_REG_CR2     0x00040001u
#define HV_REG_CR3     0x00040002u
#define HV_REG_CR4     0x00040003u
#define HV_REG_EFER    0x00080001u

/* The GPA-intercept message payload (at VP assist page +0x70 +0x10). */
struct hv_gpa_intercept {
    uint32_t vp_index;
    uint8_t insn_length;        /* low 4 bits */
    uint8_t access;             /* HV_ACCESS_* */
    uint16_t exec_state;        /* bits 1:0: CPL */
    uint8_t cs[16];
    uint64_t rip;
    uint64_t rflags;
    uint32_t cache_type;
    uint8_t insn_byte_count;
    uint8_t access_info;
    uint16_t pad;
    uint64_t gva;
    uint64_t gpa;
    uint8_t insn_bytes[16];
};
_Static_assert(offsetof(struct hv_gpa_intercept, rip) == 0x18, "DESIGN.md §6");
_Static_assert(offsetof(struct hv_gpa_intercept, rflags) == 0x20, "DESIGN.md §6");
_Static_assert(offsetof(struct hv_gpa_intercept, gva) == 0x30, "DESIGN.md §6");
_Static_assert(offsetof(struct hv_gpa_intercept, insn_bytes) == 0x40, "DESIGN.md §6");
_Static_assert(sizeof(struct hv_gpa_intercept) == 0x50, "DESIGN.md §6");

#define HV_MESSAGE_GPA_INTERCEPT  0x80000001u
#define HV_ACCESS_READ            0
#define HV_ACCESS_WRITE           1
#define HV_ACCESS_EXECUTE         2

struct hv_message {
    uint32_t type;
    uint8_t payload_size;
    uint8_t flags;
    uint16_t reserved;
    uint64_t sender;
    struct hv_gpa_intercept gpa;
};
_Static_assert(sizeof(struct hv_message) == 0x60, "DESIGN.md §6");

/* The VP assist page, as far as vtlemu uses it. */
struct hv_vp_assist {
    uint32_t reserved0[2];
    uint32_t entry_reason;      /* +0x08: HV_ENTRY_* */
    uint32_t reserved1;
    uint64_t vtl_ret_rax;       /* +0x10: the lower VTL's RAX after VtlReturn */
    uint64_t vtl_ret_rcx;       /* +0x18: ... and its RCX */
    uint8_t reserved2[0x50];
    struct hv_message intercept; /* +0x70 */
};
_Static_assert(offsetof(struct hv_vp_assist, entry_reason) == 0x08, "DESIGN.md §6");
_Static_assert(offsetof(struct hv_vp_assist, vtl_ret_rax) == 0x10, "DESIGN.md §6");
_Static_assert(offsetof(struct hv_vp_assist, vtl_ret_rcx) == 0x18, "DESIGN.md §6");
_Static_assert(offsetof(struct hv_vp_assist, intercept) == 0x70, "DESIGN.md §6");

#define HV_ENTRY_VTL_CALL   1u
#define HV_ENTRY_INTERRUPT  2u
#define HV_ENTRY_INTERCEPT  3u

/* A hypercall through the hypercall page (`vmcall; ret` at `page`, mapped executable).
 * RCX, RDX and R8 are marked as changed so the compiler never relies on the hypervisor
 * preserving them. Kernel code only: the call pushes below RSP (no red zone there). */
static inline uint64_t hv_hypercall(const void *page, uint64_t control, uint64_t input,
                                    uint64_t output)
{
    uint64_t rax;
    register uint64_t r8 __asm__("r8") = output;
    __asm__ volatile("call *%[page]"
                     : "=a"(rax), "+c"(control), "+d"(input), "+r"(r8)
                     : [page] "r"(page)
                     : "memory", "cc");
    return rax;
}

#endif
