//! Work on many threads, outcomes taken in input order.
//!
//! A build parses its files on every core and adds what they give to the index in path order
//! (which of two copies of a resolution is indexed must not depend on timing). The parsing
//! threads live for the whole pass: each keeps caches of its own (the stems of the words it has
//! met), and a thread started anew for every few dozen files began each time with them empty.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// Runs `work` on each of `inputs` on `workers` threads and hands the outcomes to `take` on the
/// calling thread, in the order of `inputs`. Outcomes ready in a row are taken as one batch, and
/// at most `window` inputs past a batch are worked on or held, which bounds the memory of
/// outcomes not yet taken to `2 × window`. The first error of `take` stops the threads and is
/// returned; a panic of `work` is raised again here.
pub(super) fn map_in_order<I, O, E>(
    inputs: &[I],
    workers: usize,
    window: usize,
    work: impl Fn(&I) -> O + Sync,
    mut take: impl FnMut(&I, O) -> Result<(), E>,
) -> Result<(), E>
where
    I: Sync,
    O: Send,
{
    let window = window.max(1);
    let shared = Shared {
        state: Mutex::new(State {
            taken: 0,
            ready: VecDeque::new(),
            taker_waits: false,
            workers_waiting: 0,
            stopped: false,
            worker_panicked: false,
        }),
        filled: Condvar::new(),
        room: Condvar::new(),
    };
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..workers.clamp(1, inputs.len().max(1)) {
            scope.spawn(|| {
                let _guard = PanicGuard(&shared);
                loop {
                    // Inputs are claimed in order, so the one `take` waits for is always
                    // claimed and never waits for room.
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = inputs.get(index) else {
                        return;
                    };
                    let mut state = shared.lock();
                    while index >= state.taken + window && !state.stopped {
                        state.workers_waiting += 1;
                        state = shared
                            .room
                            .wait(state)
                            .unwrap_or_else(PoisonError::into_inner);
                        state.workers_waiting -= 1;
                    }
                    if state.stopped {
                        return;
                    }
                    drop(state);
                    let outcome = work(input);
                    let mut state = shared.lock();
                    if state.stopped {
                        return;
                    }
                    let slot = index - state.taken;
                    if state.ready.len() <= slot {
                        state.ready.resize_with(slot + 1, || None);
                    }
                    state.ready[slot] = Some(outcome);
                    let awaited = slot == 0 && state.taker_waits;
                    drop(state);
                    // Only the outcome the calling thread waits for wakes it: a wake-up for
                    // every outcome cost more than the work of taking it.
                    if awaited {
                        shared.filled.notify_one();
                    }
                }
            });
        }
        // Whatever ends this loop (all taken, an error, a panic) lets waiting threads go.
        let _stop = StopOnExit(&shared);
        let mut batch = Vec::new();
        let mut inputs = inputs.iter();
        while inputs.len() > 0 {
            {
                let mut state = shared.lock();
                loop {
                    if let Some(Some(_)) = state.ready.front() {
                        break;
                    }
                    assert!(
                        !state.worker_panicked,
                        "a worker panicked before its outcome was ready"
                    );
                    state.taker_waits = true;
                    state = shared
                        .filled
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                    state.taker_waits = false;
                }
                // Every outcome ready in a row is taken at once.
                while let Some(Some(_)) = state.ready.front() {
                    batch.extend(state.ready.pop_front().flatten());
                }
                state.taken += batch.len();
                let waiting = state.workers_waiting > 0;
                drop(state);
                if waiting {
                    shared.room.notify_all();
                }
            }
            // The batch first: `zip` asks its first iterator first, and an input it drew
            // after the batch ran out would be lost.
            for (outcome, input) in batch.drain(..).zip(inputs.by_ref()) {
                take(input, outcome)?;
            }
        }
        Ok(())
    })
}

struct Shared<O> {
    state: Mutex<State<O>>,
    /// Signalled when an outcome is ready (or a worker panicked).
    filled: Condvar,
    /// Signalled when an outcome is taken (or the run stops).
    room: Condvar,
}

impl<O> Shared<O> {
    fn lock(&self) -> MutexGuard<'_, State<O>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

struct State<O> {
    /// How many outcomes `take` has had; `ready[0]` is the outcome of input `taken`.
    taken: usize,
    ready: VecDeque<Option<O>>,
    /// The calling thread waits for `ready[0]`.
    taker_waits: bool,
    /// Workers waiting for room.
    workers_waiting: usize,
    /// No more work is wanted: every outcome was taken, or `take` failed.
    stopped: bool,
    worker_panicked: bool,
}

/// Tells the calling thread when a worker panics, so it does not wait for that outcome forever.
struct PanicGuard<'a, O>(&'a Shared<O>);

impl<O> Drop for PanicGuard<'_, O> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut state = self.0.lock();
            state.worker_panicked = true;
            drop(state);
            self.0.filled.notify_all();
        }
    }
}

/// Releases the workers waiting for room when the calling thread is done taking.
struct StopOnExit<'a, O>(&'a Shared<O>);

impl<O> Drop for StopOnExit<'_, O> {
    fn drop(&mut self) {
        self.0.lock().stopped = true;
        self.0.room.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn outcomes_come_in_input_order_whatever_their_work_takes() {
        let inputs: Vec<u64> = (0..200).collect();
        let mut seen = Vec::new();
        map_in_order(
            &inputs,
            3,
            8,
            |&n| {
                // Early inputs are the slow ones, so later outcomes are ready first.
                std::thread::sleep(Duration::from_micros((200 - n) * 20));
                n * 10
            },
            |&input, outcome| {
                seen.push((input, outcome));
                Ok::<_, ()>(())
            },
        )
        .unwrap();
        let expected: Vec<(u64, u64)> = inputs.iter().map(|&n| (n, n * 10)).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn no_more_than_twice_the_window_is_worked_on_ahead_of_the_one_taken() {
        let inputs: Vec<usize> = (0..300).collect();
        let started = AtomicUsize::new(0);
        let mut most_ahead = 0;
        map_in_order(
            &inputs,
            4,
            5,
            |&n| {
                started.fetch_max(n + 1, Ordering::SeqCst);
                n
            },
            |&input, _| {
                // Inputs begun beyond this one, which is being taken.
                most_ahead = most_ahead.max(started.load(Ordering::SeqCst) - input - 1);
                std::thread::sleep(Duration::from_micros(50));
                Ok::<_, ()>(())
            },
        )
        .unwrap();
        assert!(most_ahead <= 2 * 5, "{most_ahead} inputs ahead");
        assert!(most_ahead >= 1, "the workers never got ahead");
    }

    #[test]
    fn the_first_error_of_take_stops_the_run_and_is_returned() {
        let inputs: Vec<usize> = (0..10_000).collect();
        let worked = AtomicUsize::new(0);
        let result = map_in_order(
            &inputs,
            2,
            16,
            |&n| {
                worked.fetch_add(1, Ordering::SeqCst);
                n
            },
            |&input, _| if input == 40 { Err(input) } else { Ok(()) },
        );
        assert_eq!(result, Err(40));
        assert!(worked.load(Ordering::SeqCst) <= 41 + 2 * 16 + 2);
    }

    #[test]
    #[should_panic]
    fn a_panic_of_the_work_is_raised_on_the_calling_thread() {
        let inputs: Vec<usize> = (0..100).collect();
        let _ = map_in_order(
            &inputs,
            2,
            8,
            |&n| {
                assert!(n != 30, "input 30 is bad");
                n
            },
            |_, _| Ok::<_, ()>(()),
        );
    }

    #[test]
    fn an_empty_input_gives_nothing_to_take() {
        let mut taken = 0;
        map_in_order(
            &Vec::<u8>::new(),
            2,
            4,
            |_| (),
            |_, ()| {
                taken += 1;
                Ok::<_, ()>(())
            },
        )
        .unwrap();
        assert_eq!(taken, 0);
    }
}
