; Architectural MSRs: EFER reads back the boot value; FS_BASE, GS_BASE and KERNEL_GS_BASE
; read back what was written (also a high canonical address) and FS/GS-relative loads
; use them; swapgs exchanges GS_BASE and KERNEL_GS_BASE and a second swapgs undoes it.
;
; expect-exit: 0
; expect-stdout:
; expect-no-event: "kind":"exception"

MSR_EFER   equ 0xc0000080
MSR_FSBASE equ 0xc0000100
MSR_GSBASE equ 0xc0000101
MSR_KGSBASE equ 0xc0000102
MSR_LSTAR  equ 0xc0000082
HIGH       equ 0xffff800012345000

; RDMSR64 msr -> RAX (64-bit value)
%macro RDMSR64 1
  mov ecx, %1
  rdmsr
  shl rdx, 32
  or rax, rdx
%endmacro
; WRMSR64 msr, value
%macro WRMSR64 2
  mov ecx, %1
  mov rax, %2
  mov rdx, rax
  shr rdx, 32
  wrmsr
%endmacro

%include "guest.inc"
_start:
  SETUP
  RDMSR64 MSR_EFER
  CHECK 1, rax, 0xd01, "EFER = SCE|LME|LMA|NXE"

  WRMSR64 MSR_KGSBASE, HIGH
  RDMSR64 MSR_KGSBASE
  mov rbx, HIGH
  CHECK 2, rax, rbx, "KERNEL_GS_BASE reads back a high canonical value"
  WRMSR64 MSR_LSTAR, HIGH + 0x10
  RDMSR64 MSR_LSTAR
  mov rbx, HIGH + 0x10
  CHECK 3, rax, rbx, "LSTAR reads back"

  WRMSR64 MSR_FSBASE, area_f
  WRMSR64 MSR_GSBASE, area_a
  WRMSR64 MSR_KGSBASE, area_b
  RDMSR64 MSR_FSBASE
  CHECK 4, rax, area_f, "FS_BASE reads back"
  RDMSR64 MSR_GSBASE
  CHECK 5, rax, area_a, "GS_BASE reads back"
  RDMSR64 MSR_KGSBASE
  CHECK 6, rax, area_b, "KERNEL_GS_BASE reads back"
  mov rax, [fs:8]
  CHECK 7, rax, 0xf0f0, "FS-relative load uses FS_BASE"
  mov rax, [gs:8]
  CHECK 8, rax, 0xaaaa, "GS-relative load uses GS_BASE"

  swapgs
  mov rax, [gs:8]
  CHECK 9, rax, 0xbbbb, "after swapgs, GS-relative load uses the old KERNEL_GS_BASE"
  RDMSR64 MSR_GSBASE
  CHECK 10, rax, area_b, "after swapgs, GS_BASE = old KERNEL_GS_BASE"
  RDMSR64 MSR_KGSBASE
  CHECK 11, rax, area_a, "after swapgs, KERNEL_GS_BASE = old GS_BASE"
  swapgs
  mov rax, [gs:8]
  CHECK 12, rax, 0xaaaa, "a second swapgs restores GS_BASE"
  RDMSR64 MSR_KGSBASE
  CHECK 13, rax, area_b, "a second swapgs restores KERNEL_GS_BASE"
  KEXIT 0

align 16
area_a: dq 0, 0xaaaa
area_b: dq 0, 0xbbbb
area_f: dq 0, 0xf0f0
GUEST_END
