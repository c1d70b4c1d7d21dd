/* Under MODE=asan: Unicorn 2.1.1 itself leaks one small allocation per engine at exit.
 * Suppress only leaks whose stack lies inside libunicorn, so ours are still reported. */
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
    return "leak:libunicorn.so\n";
}
#else
/* ISO C forbids an empty translation unit. */
typedef int lsan_suppressions_unused;
#endif
