// Placeholder replaced by the kernel installer (see tools/kernel.ts).
