//! The one ownership kind of every handle: a `Box` made by [`into_raw`], borrowed by
//! [`as_ref`], released by [`free`]. Only types marked [`BoxedHandle`] may pass through these,
//! so a handle can never be turned back into the wrong kind of owner.

/// Marks a type handed to C as `Box<Self>`.
pub trait BoxedHandle: Sized {}

/// Moves `value` to the heap and gives up ownership to the caller.
pub fn into_raw<T: BoxedHandle>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Borrows a handle; `None` for NULL.
///
/// # Safety
/// `ptr` is NULL or came from [`into_raw`] and has not been freed.
pub unsafe fn as_ref<'a, T: BoxedHandle>(ptr: *const T) -> Option<&'a T> {
    // SAFETY: the caller promises a live handle or NULL.
    unsafe { ptr.as_ref() }
}

/// Drops a handle; NULL does nothing.
///
/// # Safety
/// `ptr` is NULL or came from [`into_raw`], has not been freed, and is not used again.
pub unsafe fn free<T: BoxedHandle>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: the caller promises sole ownership of a live handle.
        drop(unsafe { Box::from_raw(ptr) });
    }
}
