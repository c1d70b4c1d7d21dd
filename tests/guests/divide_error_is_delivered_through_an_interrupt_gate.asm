; #DE at CPL0 goes through a 64-bit interrupt gate: the handler finds the exact frame
; (RIP of the divide, CS, RFLAGS as they were, RSP, SS), runs with IF cleared, on a stack
; aligned down to 16 bytes before the pushes; iretq returns to the same CPL with RSP and
; RFLAGS restored. A second #DE (quotient overflow) ends the test.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":21,"vtl":0,"cpl":0,"rip":"0x205000","vector":0
; expect-event-after: "cpl":0,"rip":"0x205200","vector":0
; expect-no-event: "vector":0,"error_code"

%define VEC_0 de_handler
%include "guest.inc"
_start:
  SETUP                               ; 14
  push 0xad7                          ; 15
  popfq                               ; 16: CF PF AF ZF SF IF OF
  mov rsp, BOOT_STACK_TOP - 8         ; 17: not 16-byte aligned on purpose
  mov eax, 0x1234                     ; 18
  mov edx, 0                          ; 19
  mov ecx, 0                          ; 20
  jmp de_site                         ; 21; the divide faults before retiring

de_handler:
  mov r8, rsp
  pushfq
  pop r9
  cmp qword [var0], 0
  jne .second
  inc qword [var0]
  CHECK 1, [r8], de_site, "saved RIP is the divide"
  CHECK 2, [r8 + 8], KCS, "saved CS"
  mov r12, [r8 + 16]
  btr r12, 16                         ; RF: hardware sets it in the image of a fault
  CHECK 3, r12, 0xad7, "saved RFLAGS are those before the divide (RF ignored)"
  CHECK 4, [r8 + 24], BOOT_STACK_TOP - 8, "saved RSP"
  CHECK 5, [r8 + 32], KDS, "saved SS"
  CHECK 6, r9, 0x8d7, "handler RFLAGS: the interrupt gate cleared IF only"
  CHECK 7, rax, 0x1234, "RAX untouched by the faulting divide"
  CHECK 8, rdx, 0, "RDX untouched by the faulting divide"
  mov rax, cs
  CHECK 9, rax, KCS, "handler CS"
  CHECK 10, r8, BOOT_STACK_TOP - 16 - 40, "handler RSP: old RSP aligned down to 16, minus 5 qwords"
  mov qword [r8], de_resume
  iretq
.second:
  CHECK 11, [r8], de_site2, "saved RIP is the overflowing divide"
  CHECK 12, [r8 + 24], BOOT_STACK_TOP - 8, "saved RSP after the iretq"
  KEXIT 0

AT SITE
de_site:
  div ecx                             ; ECX = 0
  NOT_REACHED
de_resume:
  pushfq
  pop r9
  mov r8, rsp
  CHECK 13, r8, BOOT_STACK_TOP - 8, "RSP after iretq"
  CHECK 14, r9, 0xad7, "RFLAGS after iretq"
  mov eax, 0
  mov edx, 1
  mov ecx, 1
  jmp de_site2
AT SITE + 0x200
de_site2:
  div ecx                             ; EDX:EAX / 1 does not fit in 32 bits
  NOT_REACHED
GUEST_END
