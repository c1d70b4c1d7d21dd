/* Under MODE=asan: Unicorn 2.1.1 itself leaks one small allocation per engine at exit.
 * Suppress only leaks whose stack lies inside libunicorn, so ours are still reported.
 * In libemu so every program that makes a machine (vtlemu, the unit tests, the bench)
 * gets it; emu_create references emu_lsan_anchor so the linker keeps this file. */
#if defined(__SANITIZE_ADDRESS__)
#define VE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VE_ASAN 1
#endif
#endif

#ifdef VE_ASAN
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

/* Keep stderr to the one line vtlemu promises. */
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}

const char *__lsan_default_suppressions(void)
{
    /* SDL (the debugger) loads libdbus, which keeps some memory until exit too. */
    return "leak:libunicorn.so\nleak:libdbus-1.so\n";
}
#endif

void emu_lsan_anchor(void);
void emu_lsan_anchor(void)
{
}
