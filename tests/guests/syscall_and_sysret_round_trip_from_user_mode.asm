; syscall from ring 3: RIP = LSTAR, RCX = the next RIP, R11 = RFLAGS, RFLAGS &= ~SFMASK,
; CS = STAR[47:32], SS = STAR[47:32] + 8, RSP unchanged. sysretq: RIP = RCX, RFLAGS =
; R11, CS = STAR[63:48] + 16 | 3, SS = STAR[63:48] + 8 | 3. The first entry to ring 3
; is itself a sysretq.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"syscall","icount":37,"vtl":0,"cpl":3,"rip":"0x206100","nr":1
; expect-event-after-re: "kind":"syscall",.*"cpl":3,.*"nr":60[,}]
; expect-no-event: "kind":"exception"

MSR_STAR   equ 0xc0000081
MSR_LSTAR  equ 0xc0000082
MSR_SFMASK equ 0xc0000084
USER_FLAGS equ 0xe43                  ; OF DF IF ZF CF + bit 1
SFMASK     equ 0x641                  ; clears DF IF ZF CF
%include "guest.inc"
_start:
  SETUP                               ; 14
  mov ecx, MSR_STAR                   ; 15
  mov eax, 0                          ; 16
  mov edx, (UCS32 << 16) | KCS        ; 17: sysret base 0x18, syscall CS 0x08
  wrmsr                               ; 18
  mov ecx, MSR_LSTAR                  ; 19
  mov eax, syscall_entry              ; 20
  mov edx, 0                          ; 21
  wrmsr                               ; 22
  mov ecx, MSR_SFMASK                 ; 23
  mov eax, SFMASK                     ; 24
  mov edx, 0                          ; 25
  wrmsr                               ; 26
  mov ecx, user_start                 ; 27
  mov r11d, 0x202                     ; 28
  mov rsp, USTACK_TOP                 ; 29
  o64 sysret                          ; 30

syscall_entry:
  mov r13, rsp
  mov rsp, BOOT_STACK_TOP
  pushfq
  pop r14
  mov r15, r11
  cmp eax, 60
  je report_exit                      ; exit(EDI)
  inc qword [var0]
  CHECK 1, [var0], 1, "one syscall before exit"
  CHECK 2, rax, 1, "RAX (syscall number)"
  CHECK 3, rcx, u_after_syscall, "RCX = RIP after the syscall"
  CHECK 4, r15, USER_FLAGS, "R11 = user RFLAGS"
  CHECK 5, r14, USER_FLAGS & ~SFMASK, "RFLAGS in the kernel = user RFLAGS & ~SFMASK"
  mov rax, cs
  CHECK 6, rax, KCS, "CS = STAR[47:32]"
  mov rax, ss
  CHECK 7, rax, KDS, "SS = STAR[47:32] + 8"
  CHECK 8, r13, USTACK_TOP, "RSP unchanged by syscall"
  CHECK 9, r12, 0x1111, "R12 unchanged"
  mov eax, 0x77
  mov r11, r15
  mov rsp, r13
  o64 sysret

AT UCODE
user_start:
  push USER_FLAGS                     ; 31
  popfq                               ; 32
  mov rbx, rsp                        ; 33
  mov eax, 1                          ; 34
  mov r12d, 0x1111                    ; 35
  jmp u_syscall                       ; 36
AT UCODE + 0x100
u_syscall:
  syscall                             ; 37
u_after_syscall:
  pushfq
  pop rdx
  CHECK 10, rdx, USER_FLAGS, "RFLAGS = R11 after sysretq"
  CHECK 11, rax, 0x77, "RAX returned by the kernel"
  mov rax, cs
  CHECK 12, rax, UCS, "CS = STAR[63:48] + 16 | 3"
  mov rax, ss
  CHECK 13, rax, UDS, "SS = STAR[63:48] + 8 | 3"
  CHECK 14, rsp, USTACK_TOP, "user RSP"
  CHECK 15, r12, 0x1111, "R12 unchanged"
  cld
  mov edi, 0
  xor esi, esi
  mov eax, 60
  syscall
  NOT_REACHED
GUEST_END
