# Guest images: freestanding C and nasm, for the emulated machine, not the host.
# Included by the top-level Makefile; also works alone:  make -f guest/guest.mk guests
# Paths are relative to the repository root: run make from there.
#
# Objects come in two flavours, so guest/lib can serve both sides:
#   guest/build/kernel/<dir>/x.o   -mcmodel=kernel, no red zone (higher-half kernels)
#   guest/build/user/<dir>/x.o     default small model (user programs at low addresses)
# Names are GUEST_*/VTL0_* so nothing of the emulator's build (CC, CFLAGS, ...) changes.

GUEST_CC  ?= gcc
GUEST_AS  ?= nasm
GUEST_LD  ?= ld
GUEST_OUT := guest/build

# -ffreestanding: no hosted libc (also no builtin assumptions about printf and the like).
# -mgeneral-regs-only: no SSE/x87, so the kernel never has FPU state to save.
# -fno-tree-loop-distribute-patterns: else gcc turns guest/lib's memset loop into a
#   call to memset.
# No unwind tables: nothing unwinds, and .eh_frame would be one more section to place.
GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
    -Wmissing-prototypes -I. -MMD -MP \
    -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fcf-protection=none \
    -fno-asynchronous-unwind-tables -fno-unwind-tables \
    -fno-tree-loop-distribute-patterns -mgeneral-regs-only
# Kernel code runs on the stack exceptions are pushed on: no red zone below RSP.
GUEST_KCFLAGS := $(GUEST_CFLAGS) -mcmodel=kernel -mno-red-zone
# User code gets a fresh kernel stack on every trap, so the red zone is fine there.
GUEST_UCFLAGS := $(GUEST_CFLAGS) -mcmodel=small
GUEST_ASFLAGS := -f elf64 -g -Werror
GUEST_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
    --build-id=none --fatal-warnings

.PHONY: guests
guests: $(GUEST_OUT)/vtl0.elf

# guest/lib as one archive per flavour: an image links only the members it uses.
GUEST_LIB_SRC  := $(wildcard guest/lib/*.c)
GUEST_LIB_KOBJ := $(patsubst guest/%.c,$(GUEST_OUT)/kernel/%.o,$(GUEST_LIB_SRC))
GUEST_LIB_UOBJ := $(patsubst guest/%.c,$(GUEST_OUT)/user/%.o,$(GUEST_LIB_SRC))
GUEST_LIB_K    := $(GUEST_OUT)/kernel/libguest.a
GUEST_LIB_U    := $(GUEST_OUT)/user/libguest.a

$(GUEST_LIB_K): $(GUEST_LIB_KOBJ)
$(GUEST_LIB_U): $(GUEST_LIB_UOBJ)
$(GUEST_LIB_K) $(GUEST_LIB_U):
	@rm -f $@
	ar rcs $@ $^

# --- vtl0: demo kernel plus its embedded user program --------------------------------
VTL0_KOBJ := $(patsubst guest/%.c,$(GUEST_OUT)/kernel/%.o,$(wildcard guest/vtl0/*.c)) \
             $(patsubst guest/%.asm,$(GUEST_OUT)/kernel/%.o,$(wildcard guest/vtl0/*.asm))
VTL0_UOBJ := $(patsubst guest/%.c,$(GUEST_OUT)/user/%.o,$(wildcard guest/vtl0/user/*.c))

$(GUEST_OUT)/vtl0-user.elf: $(VTL0_UOBJ) $(GUEST_LIB_U) guest/vtl0/user/user.ld
	$(GUEST_LD) $(GUEST_LDFLAGS) -T guest/vtl0/user/user.ld -o $@ $(VTL0_UOBJ) $(GUEST_LIB_U)

# user_blob.asm incbins the user program (found through -i $(GUEST_OUT)/), stripped:
# the kernel needs only the program headers and segments; vtl0-user.elf keeps the
# symbols and debug info for debuggers.
$(GUEST_OUT)/vtl0-user.strip.elf: $(GUEST_OUT)/vtl0-user.elf
	objcopy --strip-all $< $@
$(GUEST_OUT)/kernel/vtl0/user_blob.o: $(GUEST_OUT)/vtl0-user.strip.elf

$(GUEST_OUT)/vtl0.elf: $(VTL0_KOBJ) $(GUEST_LIB_K) guest/vtl0/kernel.ld
	$(GUEST_LD) $(GUEST_LDFLAGS) -T guest/vtl0/kernel.ld -o $@ $(VTL0_KOBJ) $(GUEST_LIB_K)

# --- pattern rules ----------------------------------------------------------------------
$(GUEST_OUT)/kernel/%.o: guest/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_KCFLAGS) -c $< -o $@

$(GUEST_OUT)/user/%.o: guest/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_UCFLAGS) -c $< -o $@

$(GUEST_OUT)/kernel/%.o: guest/%.asm
	@mkdir -p $(dir $@)
	$(GUEST_AS) $(GUEST_ASFLAGS) -i $(GUEST_OUT)/ -MD $(@:.o=.d) -MP -o $@ $<

-include $(VTL0_KOBJ:.o=.d) $(VTL0_UOBJ:.o=.d) $(GUEST_LIB_KOBJ:.o=.d) $(GUEST_LIB_UOBJ:.o=.d)
