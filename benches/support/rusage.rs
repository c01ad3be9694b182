//! The benchmarks' one measure of memory: the peak resident set of their child processes.

/// Peak RSS (KiB) of the largest child waited for so far (getrusage `RUSAGE_CHILDREN`).
pub fn children_max_rss_kib() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a rusage struct into the pointer it is given.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) };
    if rc != 0 {
        return -1;
    }
    // SAFETY: initialised by the successful call above.
    unsafe { usage.assume_init() }.ru_maxrss
}
