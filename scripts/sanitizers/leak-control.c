/*
 * make check-sanitizers' control: a program that loses memory on purpose,
 * so that the run shows that LeakSanitizer reports at exit with the
 * options it uses, and that leaks.py counts a leak of a listed file.
 */
#include <stdlib.h>
#include <string.h>

static void *lost;

int main(void)
{
    lost = malloc(64);
    memset(lost, 0x5a, 64);
    lost = NULL;
    return 0;
}
