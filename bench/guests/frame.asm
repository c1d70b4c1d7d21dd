; Shared frame of the benchmark guests (included, not built on its own).
;
; Each guest is one ELF64 ET_EXEC image written out by hand, so `nasm -f bin` makes it
; without a linker: one PT_LOAD segment, file offset 0 at GPA IMAGE_GPA (= GVA: the boot
; page tables map RAM one to one). Both runners (raw Unicorn and vtlemu) load the same
; file and enter it in the boot state of DESIGN.md §3, with RDI = boot-info page.
;
; BENCH_ENTRY reads the iteration count into RCX from the boot command line, which the
; runner always passes as exactly COUNT_DIGITS decimal digits, so the prologue retires a
; fixed number of instructions whatever the count. BENCH_EXIT prints the checksum in RAX
; on COM1 as 16 hex digits and a newline, leaves it in RBX, and halts with IF clear.
; Both retire a fixed number of instructions (87 and 118, hlt included). The table in
; bench/bench_mips.c adds them to each loop's own counts, and the benchmark checks the
; sum against what Unicorn and vtlemu count before it times anything.

BITS 64
DEFAULT ABS

%ifndef IMAGE_GPA
%define IMAGE_GPA      0x200000
%endif
%define BOOT_CMDLINE   0x60          ; boot-info field: GPA of the command line
%define COUNT_DIGITS   12
%define COM1_THR       0x3F8

; Scratch RAM for the loops that store, well below the loader area at the top of the
; 256 MiB of RAM both runners give the guest (BENCH_RAM in bench/bench.h).
%define STORE_BUF      0x400000      ; one 4 KiB page
%define PAGES_BASE     0x1000000     ; 16 MiB
%define PAGES_SPAN     0x4000000     ; 64 MiB working set, one store per 4 KiB page

; The ELF header and program header of the image (no code).
%macro BENCH_HEADER 0
    org IMAGE_GPA
elf_header:
    db 0x7F, "ELF"
    db 2                        ; ELFCLASS64
    db 1                        ; little endian
    db 1                        ; EV_CURRENT
    db 0                        ; System V ABI
    times 8 db 0
    dw 2                        ; ET_EXEC
    dw 62                       ; EM_X86_64
    dd 1                        ; EV_CURRENT
    dq _start                   ; e_entry
    dq program_header - elf_header ; e_phoff
    dq 0                        ; e_shoff: no sections
    dd 0                        ; e_flags
    dw 64                       ; e_ehsize
    dw 56                       ; e_phentsize
    dw 1                        ; e_phnum
    dw 64                       ; e_shentsize
    dw 0                        ; e_shnum
    dw 0                        ; e_shstrndx
program_header:
    dd 1                        ; PT_LOAD
    dd 5                        ; PF_R | PF_X
    dq 0                        ; p_offset
    dq IMAGE_GPA                ; p_vaddr
    dq IMAGE_GPA                ; p_paddr
    dq image_end - elf_header   ; p_filesz
    dq image_end - elf_header   ; p_memsz
    dq 0x1000                   ; p_align
%endmacro

; 3 + 7 per digit = 87 instructions.
%macro BENCH_ENTRY 0
    BENCH_HEADER
_start:
    mov rsi, [rdi + BOOT_CMDLINE]
    xor ecx, ecx
    mov r8d, COUNT_DIGITS
%%digit:
    movzx eax, byte [rsi]
    sub eax, '0'
    imul rcx, rcx, 10
    add rcx, rax
    inc rsi
    dec r8d
    jnz %%digit
%endmacro

; 3 + 7 per hex digit + 3 (newline, hlt) = 118 instructions.
%macro BENCH_EXIT 0
    mov rbx, rax
    mov edx, COM1_THR
    mov r8d, 16
%%hex:
    rol rbx, 4
    mov eax, ebx
    and eax, 15
    movzx eax, byte [hex_digits + rax]
    out dx, al
    dec r8d
    jnz %%hex
    mov al, 10
    out dx, al
    hlt
hex_digits:
    db "0123456789abcdef"
image_end:
%endmacro

; Fourteen register-only ALU instructions: the common body of the alu and pages loops.
; Uses RAX RBX RDX R9 R10 R11; flags are consumed (adc) so TCG cannot drop them all.
%macro ALU14 0
    add rax, rbx
    xor rbx, rdx
    rol rax, 7
    sub rdx, rax
    lea r9, [r9 + rax * 2 + 1]
    imul r10, rbx, 3
    or r11, r9
    shr r11, 3
    xor rax, r10
    add rbx, r11
    not r9
    and r10, rax
    adc rdx, rbx
    neg r11
%endmacro

; Deterministic start values for the registers the loops use (6 instructions).
%macro ALU_SEED 0
    mov rax, 0x0123456789abcdef
    mov rbx, 0x0fedcba987654321
    mov edx, 1
    xor r9d, r9d
    mov r10d, 3
    mov r11d, 5
%endmacro

; RAX = fold of the ALU registers (5 instructions).
%macro ALU_FOLD 0
    xor rax, rbx
    xor rax, rdx
    xor rax, r9
    xor rax, r10
    xor rax, r11
%endmacro
