; VTL state across VtlCall and VtlReturn (DESIGN §6; the registers: vtlstate.inc). VTL0
; gives every private register a distinctive value (RSP, RFLAGS with DF AC ID OF..., CR0
; with AM and without WP, its own CR3, CR4 with TSD DE PCE FSGSBASE, CR8, EFER without
; SCE, its GDTR IDTR TR, DS 0x23 ES 0x10 FS 0x23 GS 0, FS/GS/KERNEL_GS bases, STAR LSTAR
; CSTAR SFMASK, the SYSENTER MSRs, PAT, DR7) and every shared one (RAX..R15 but RSP, CR2,
; DR0-DR3, DR6, MXCSR, FPCW, XMM0-15), then VtlCall. The secure kernel (sk/state.asm)
; checks it got VTL0's shared values, changes all of its own private registers and sets
; the shared ones, then VtlReturn. VTL0 finds each private register as it was, each of
; them different from VTL1's, and the shared ones VTL1's, RAX and RCX from VTL1's VP
; assist page (not the RAX VTL1 had). VTL0's second VtlCall finds VTL1's private state
; intact though VTL0 ran in between.
;
; vtl1: state
; expect-exit: 0
; expect-event-count: 2 "kind":"vtl_call"
; expect-event-count: 3 "kind":"vtl_return"

%include "guest.inc"
%include "vtl.inc"
%include "vtlstate.inc"

V0_RSP    equ BOOT_STACK_TOP - 0x238
V0_RFLAGS equ 0x240cd7                ; ID AC OF DF SF ZF AF PF, bit 1

_start:
  SETUP
  V0_BOOT
  mov ax, UDS
  mov ds, ax
  mov ax, KDS
  mov es, ax
  mov ax, UDS
  mov fs, ax
  xor eax, eax
  mov gs, ax
  SET_MSRS 0x00007f0000001000, 0x00007f0000002000, 0xffff800000003000, 0x0013000800000000, \
    0xffffffff81000000, 0xffffffff82000000, 0x4700, 0x08, 0xffff800000010000, \
    0xffff800000020000, 0x0006050400010706
  mov eax, 0x80040033                 ; PE MP ET NE AM PG (WP clear)
  mov cr0, rax
  mov eax, 0x1072c                    ; TSD DE PAE PCE OSFXSR OSXMMEXCPT FSGSBASE
  mov cr4, rax
  mov eax, 5
  mov cr8, rax
  mov ecx, 0xc0000080
  mov eax, 0xd00                      ; LME LMA NXE (SCE clear)
  xor edx, edx
  wrmsr
  mov eax, 0x00ff0700
  mov dr7, rax
  mov rsp, V0_RSP
  push V0_RFLAGS
  popfq
  CAPTURE_PRIVATE before
  push V0_RFLAGS
  popfq
  LOAD_SHARED v0_shared, 2            ; RCX = HvCallVtlCall
  vmcall
  CAPTURE_SHARED got_shared, fxbuf
  CAPTURE_PRIVATE after
  cld
  STATE_COMPARE got_shared, v1_shared, shared_names, SHR_COUNT, 1, report_exit
  STATE_COMPARE after, before, priv_names, PRIV_COUNT, 2, report_exit
  STATE_COMPARE before, V0_BUF, priv_names_vtl1, PRIV_DIFFERS, 3, report_exit, differ
  mov ecx, HVC_VTL_CALL               ; VTL1 checks its own private registers
  vmcall
  CHECK 4, rax, 0x600d, "RAX from VTL1's last VtlReturn"
  KEXIT 0

AT KCODE2
v0_shared: SHARED_TABLE 0
v1_shared: SHARED_TABLE 1
PRIV_NAMES priv_names, "VTL0 private register changed:"
PRIV_NAMES priv_names_vtl1, "VTL0 private register equal to VTL1's:"
SHARED_NAMES shared_names, "shared register from VTL1:"
align 16
fxbuf:        times 512 db 0
got_shared: times SHR_COUNT dq 0
before:     times PRIV_SIZE db 0
after:      times PRIV_SIZE db 0
GUEST_END
