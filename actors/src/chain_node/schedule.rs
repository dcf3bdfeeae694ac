//! What the scenario schedules at blocks (owners' calls, stake calls, runtime upgrades, subnet
//! registrations): each kept in a queue sorted by block once, and taken out in order when due.

/// The items of `queue` (sorted by `at_block`) due by `block`, in their order, taken out of it.
pub(super) fn take_due<T>(queue: &mut Vec<T>, block: u64, at_block: impl Fn(&T) -> u64) -> Vec<T> {
    let due = queue.iter().take_while(|item| at_block(item) <= block).count();
    queue.drain(..due).collect()
}
