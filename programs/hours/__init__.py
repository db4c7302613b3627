"""Hours a creator logs per enrollment, the effective hourly rate staff see, and the scope
task when logged hours go well over what the program expected."""
