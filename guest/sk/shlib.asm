; The "shared library": one page of position-independent code and data that both VTLs
; run. It is part of the secure kernel image (page SK_OFF_SHLIB); VTL1 runs it in
; place, and SC_SHARE_LIBRARY shares the page copy-on-write with VTL0, which maps it
; executable and may patch it: its first write gets VTL0 a private copy, so VTL1 keeps
; running the original bytes. The offsets VTL0 patches are fixed (SHLIB_OFF_* in
; guest/lib/securecall.h).
;
; int shlib_greet(void): prints the banner on COM1, returns the answer (42).
; Clobbers only RAX, RDX, RSI (caller-saved in the SysV ABI).

bits 64
default rel

%define SHLIB_OFF_ANSWER 0x40
%define SHLIB_OFF_BANNER 0x80
%define SHLIB_BANNER_MAX 0x80

section .shlib progbits alloc exec nowrite align=4096
global shlib_greet
shlib_greet:
    lea rsi, [rel banner]
.next:
    mov dx, 0x3fd                               ; COM1 LSR: wait for THR empty
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    mov al, [rsi]
    test al, al
    jz answer
    mov dx, 0x3f8
    out dx, al
    inc rsi
    jmp .next

    times SHLIB_OFF_ANSWER - ($ - $$) int3
answer:
    mov eax, 42                                 ; = SHLIB_ANSWER
    ret

    times SHLIB_OFF_BANNER - ($ - $$) int3
banner:
    db "shlib: running the original library code", 10, 0
%if $ - banner > SHLIB_BANNER_MAX
%error "banner too long"
%endif
