# Test guests: every tests/guests/*.asm is one ELF64 image (nasm -f bin; the ELF header
# and page tables come from tests/guests/guest.inc) at build/tests/guests/NAME.elf.
# Secure kernels for the two-VTL guests: every tests/guests/sk/*.asm (built on
# tests/guests/sk.inc) at build/tests/guests/sk/NAME.elf; a guest names its kernel with a
# `; vtl1: NAME` header line.
# `make test` checks them with tests/lua/scenario_cpu_guests.lua; tests/tools/run_guests.sh
# BUILD_DIR runs them from the command line.
TEST_GUEST_SRC := $(wildcard tests/guests/*.asm)
TEST_GUEST_ELF := $(patsubst tests/guests/%.asm,build/tests/guests/%.elf,$(TEST_GUEST_SRC))
TEST_GUEST_INC := $(wildcard tests/guests/*.inc)
TEST_SK_SRC := $(wildcard tests/guests/sk/*.asm)
TEST_SK_ELF := $(patsubst tests/guests/sk/%.asm,build/tests/guests/sk/%.elf,$(TEST_SK_SRC))

.PHONY: test-guests
test-guests: $(TEST_GUEST_ELF) $(TEST_SK_ELF)

build/tests/guests/%.elf: tests/guests/%.asm $(TEST_GUEST_INC)
	@mkdir -p $(dir $@)
	nasm -f bin -w+all -I tests/guests/ -o $@ $<

build/tests/guests/sk/%.elf: tests/guests/sk/%.asm $(TEST_GUEST_INC)
	@mkdir -p $(dir $@)
	nasm -f bin -w+all -I tests/guests/ -o $@ $<

# Reference builds of the same guests, booted by QEMU instead of vtlemu to check the
# guests themselves: `make test-guests-ref && tests/tools/run_guests.sh --qemu build/release`.
# (Guests with a secure kernel or a `; qemu-skip:` line are not checked under QEMU.)
TEST_GUEST_REF := $(patsubst %.elf,%.ref,$(TEST_GUEST_ELF))

.PHONY: test-guests-ref
test-guests-ref: $(TEST_GUEST_REF)

build/tests/guests/%.ref: tests/guests/%.asm $(TEST_GUEST_INC)
	@mkdir -p $(dir $@)
	nasm -f bin -w+all -DREFERENCE -I tests/guests/ -o $@ $<
