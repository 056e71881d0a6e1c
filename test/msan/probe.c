/* Configure-time probe: does this clang link -fsanitize=memory programs
 * (is the MSan runtime, libclang-rt-*-dev on Debian, installed)? */
int main(void)
{
	return 0;
}
