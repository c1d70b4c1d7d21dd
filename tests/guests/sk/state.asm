; The secure kernel of the VTL-state round trip (private_registers_survive_a_vtl_round_
; trip_and_shared_ones_carry_over.asm; what is compared: vtlstate.inc). It runs its own
; VTL switches (SK_MAIN), no dispatch loop:
; 1. VtlReturn starts VTL0. At VTL0's VtlCall: entry reason 1 and every shared register
;    holds VTL0's values (SHARED_TABLE 0), else FAIL 1 / 2.
; 2. It changes every one of its private registers (GDT and IDT copies, CS 0x60, SS 0x68,
;    DS ES FS GS, TR 0x40, LDTR 0x50, the MSRs, CR0 CR3 CR4 CR8 EFER DR7, RSP, RFLAGS),
;    checks each really changed (FAIL 3), copies them to VTL0's V0_BUF (VTL0 checks its
;    own differ), loads SHARED_TABLE 1 (RAX, RCX through VP assist +0x10/+0x18; the
;    registers hold V1_RAX_REG and the VtlReturn code) and returns.
; 3. At VTL0's second VtlCall every private register is as it left it (FAIL 4); it
;    returns 0x600d in RAX.
%define SK_MAIN state_main
%include "sk.inc"
%include "vtlstate.inc"

SK_RSP    equ SK_STACK_TOP - 0x1230
SK_RFLAGS equ 0x0803                  ; OF CF

state_main:
  mov ecx, HVC_VTL_RETURN
  vmcall
  CAPTURE_SHARED got_shared, fxbuf
  CAPTURE_PRIVATE priv_initial
  cld
  mov rbx, [abs sk_assist]
  mov eax, [rbx + VA_REASON]
  SK_CHECK 1, rax, REASON_CALL, "entry reason of VTL0's first VtlCall"
  STATE_COMPARE got_shared, v0_shared, shared_names, SHR_COUNT, 2, sk_fail

  ; every private register to another value
  mov rsi, sk_gdt                     ; a copy of the GDT, elsewhere
  mov rdi, gdt_copy
  mov ecx, sk_gdt_end - sk_gdt
  rep movsb
  lgdt [gdtr2]
  mov rsi, SK_IDT                     ; and of the IDT
  mov rdi, idt_copy
  mov ecx, 32 * 16
  rep movsb
  lidt [idtr2]
  push 0x60
  lea rax, [rel .cs]
  push rax
  o64 retf
.cs:
  mov ax, 0x68
  mov ss, ax
  xor eax, eax
  mov ds, ax
  mov ax, 0x23
  mov es, ax
  mov ax, 0x68
  mov fs, ax
  mov ax, 0x23
  mov gs, ax
  mov ax, 0x40
  ltr ax
  mov ax, 0x50
  lldt ax
  SET_MSRS 0x00007e0000004000, 0x00007e0000005000, 0xffff900000006000, 0x001b000800000000, \
    0xffffffff91000000, 0xffffffff92000000, 0x300, 0x10, 0xffff900000010000, \
    0xffff900000020000, 0x0407050601000706
  mov eax, 0x80010031                 ; PE ET NE WP PG (MP clear)
  mov cr0, rax
  mov rax, SK_PML4_ALT
  mov cr3, rax
  mov eax, 0x1006a0                   ; PAE PGE OSFXSR OSXMMEXCPT SMEP
  mov cr4, rax
  mov eax, 9
  mov cr8, rax
  mov ecx, 0xc0000080
  mov eax, 0x501                      ; SCE LME LMA (NXE clear)
  xor edx, edx
  wrmsr
  mov eax, 0xff000400
  mov dr7, rax
  mov rax, [abs sk_assist]            ; what VTL0 gets in RAX and RCX
  mov rcx, [abs v1_shared + 0]
  mov [rax + VA_RET_RAX], rcx
  mov rcx, [abs v1_shared + 8]
  mov [rax + VA_RET_RCX], rcx
  mov rsp, SK_RSP
  push SK_RFLAGS
  popfq
  CAPTURE_PRIVATE priv_before
  mov rsi, priv_before                ; for VTL0 to see they differ from its own
  mov rdi, V0_BUF
  mov ecx, PRIV_COUNT
  rep movsq
  STATE_COMPARE priv_before, priv_initial, priv_names, PRIV_DIFFERS, 3, sk_fail, differ
  mov rsp, SK_RSP
  push SK_RFLAGS
  popfq
  LOAD_SHARED v1_shared, 3
  mov rax, V1_RAX_REG
  mov ecx, HVC_VTL_RETURN
  vmcall
  CAPTURE_PRIVATE priv_after          ; VTL0's second VtlCall
  cld
  mov rbx, [abs sk_assist]
  mov eax, [rbx + VA_REASON]
  SK_CHECK 1, rax, REASON_CALL, "entry reason of VTL0's second VtlCall"
  STATE_COMPARE priv_after, priv_before, priv_names, PRIV_COUNT, 4, sk_fail
  mov rax, [abs sk_assist]
  mov qword [rax + VA_RET_RAX], 0x600d
  mov qword [rax + VA_RET_RCX], 0
  mov ecx, HVC_VTL_RETURN
  vmcall
  SK_CHECK 5, 0, 1, "no third entry"

align 8
v0_shared: SHARED_TABLE 0
v1_shared: SHARED_TABLE 1
  dw 0, 0, 0
gdtr2:
  dw sk_gdt_end - sk_gdt - 1 + 0x10   ; (two zero descriptors more)
  dq gdt_copy
  dw 0, 0, 0
idtr2:
  dw 32 * 16 - 0x41                   ; (not the last four gates)
  dq idt_copy
PRIV_NAMES priv_names, "VTL1 private register"
SHARED_NAMES shared_names, "shared register from VTL0:"

align 16
fxbuf:        times 512 db 0
got_shared:   times SHR_COUNT dq 0
priv_initial: times PRIV_SIZE db 0
priv_before:  times PRIV_SIZE db 0
priv_after:   times PRIV_SIZE db 0
gdt_copy:     times 0x80 db 0
align 16
idt_copy:     times 32 * 16 db 0
SK_END
