//! How many requests a bulk job or an export keeps in flight.
//!
//! The pacer (clerk-api) decides when a request may go; this decides how many may be waiting
//! for their answers at once, so that the pace can be reached at all. By Little's law a client
//! that wants `rate` requests a second with answers taking `latency` needs `rate × latency` in
//! flight: 100 a second at 100 ms is 10. Too few and the job runs below the pace (4 in flight
//! at 100 ms is 40 a second, whatever the limit); too many only queue at the pacer. So: the
//! pace times the observed round trip, with some headroom, within a cap; without a pace (`--rate
//! off`, `--local`) the cap. A 429 halves the ceiling (Clerk said the instance is busy, perhaps
//! from other traffic the pacer cannot see), and answers without one win it back, one request
//! at a time.
//!
//! Work of few requests next to the pace's window (an export's pages) may go further: while the
//! window would take them all at once, up to a burst ([`Flight::target_with_room`]), so that it
//! ends in fewer round trips; none of them waits at the pacer, so none risks more than the
//! window's count allows.

use std::time::Duration;

use clerk_api::Stats;

/// The most requests in flight when neither a fixed number nor a pace says otherwise.
pub const CAP: usize = 32;

/// In flight before any answer has told the round trip.
pub const START: usize = 8;

/// More than the round trip alone asks for: answers vary, and the pacer, not this, is what keeps
/// to the limit.
const HEADROOM: f64 = 1.5;

/// Answers without a 429 that win back one place after a halving.
const RECOVER_AFTER: u64 = 8;

/// How many requests to keep in flight for `pace` requests a second (`None`: no pace) when
/// answers take `latency` (`None`: not known yet), at most `ceiling`.
pub fn in_flight(pace: Option<f64>, latency: Option<Duration>, ceiling: usize) -> usize {
    let ceiling = ceiling.max(1);
    let want = match (pace, latency) {
        (None, _) => ceiling,
        (Some(_), None) => START,
        (Some(rate), Some(latency)) => {
            let need = rate * latency.as_secs_f64() * HEADROOM;
            // One more than the product: the request whose answer is on its way back.
            (need.ceil() as usize).saturating_add(1)
        }
    };
    want.clamp(1, ceiling)
}

/// The controller's state: the round trip seen so far and the ceiling 429s have left.
#[derive(Debug, Clone)]
pub struct Flight {
    cap: usize,
    ceiling: usize,
    pace: Option<f64>,
    latency: Option<Duration>,
    calm: u64,
    seen: Stats,
    /// How many may be in flight while the pacer's window has room for them (0: no more than
    /// the round trip needs).
    burst: usize,
}

impl Flight {
    /// A controller for `pace` requests a second (none: as many as `cap`), starting from the
    /// client's counters `stats`.
    pub fn new(pace: Option<f64>, cap: usize, stats: Stats) -> Flight {
        let cap = cap.max(1);
        Flight {
            cap,
            ceiling: cap,
            pace,
            latency: None,
            calm: 0,
            seen: stats,
            burst: 0,
        }
    }

    /// Up to `burst` in flight while the pace's window has room for them (see
    /// [`Flight::target_with_room`]): for work of a few requests next to what the window allows,
    /// such as an export's pages, which then takes fewer round trips than the pace alone asks.
    pub fn with_burst(mut self, burst: usize) -> Flight {
        self.burst = burst;
        self
    }

    /// How many to keep in flight now, `running` being in flight already and `room` the number
    /// of requests the pacer's window takes right now ([`clerk_api::Client::pace_room`]):
    /// what the round trip needs ([`Flight::target`]), or more, up to the burst, when the
    /// window would take them all at once. None of them then waits at the pacer, and none can
    /// draw a 429 that the window's count would not; after a 429, only what the round trip
    /// needs until calm answers have won the whole ceiling back.
    pub fn target_with_room(&self, room: Option<usize>, running: usize) -> usize {
        let base = self.target();
        match room {
            Some(room) if self.burst > base && self.ceiling >= self.cap => {
                base.max(running.saturating_add(room).min(self.burst))
            }
            _ => base,
        }
    }

    /// How many to keep in flight now.
    pub fn target(&self) -> usize {
        in_flight(self.pace, self.latency, self.ceiling)
    }

    /// The round trip the controller goes by, once one answer has come.
    #[cfg(test)]
    pub fn latency(&self) -> Option<Duration> {
        self.latency
    }

    /// Takes in what the client has seen since the last call: the round trips of new answers
    /// and any 429.
    pub fn update(&mut self, now: Stats) {
        let answered = now.answered.saturating_sub(self.seen.answered);
        let limited = now.rate_limited.saturating_sub(self.seen.rate_limited);
        if answered > 0 {
            let took = now.round_trip.saturating_sub(self.seen.round_trip) / answered as u32;
            self.observe(took);
        }
        if limited > 0 {
            self.rate_limited();
        } else {
            self.answered(answered);
        }
        self.seen = now;
    }

    /// An observed round trip: a moving average that follows a change within a few answers.
    pub fn observe(&mut self, took: Duration) {
        self.latency = Some(match self.latency {
            None => took,
            Some(avg) => avg.mul_f64(0.75) + took.mul_f64(0.25),
        });
    }

    /// Clerk answered 429: halve the ceiling.
    pub fn rate_limited(&mut self) {
        self.ceiling = (self.target() / 2).max(1);
        self.calm = 0;
    }

    /// `n` answers without a 429: after every [`RECOVER_AFTER`], one place back, up to the cap.
    pub fn answered(&mut self, n: u64) {
        if self.ceiling >= self.cap {
            return;
        }
        self.calm += n;
        while self.calm >= RECOVER_AFTER && self.ceiling < self.cap {
            self.calm -= RECOVER_AFTER;
            self.ceiling += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn littles_law_with_headroom_within_the_cap() {
        // 100 a second (1000/10) at 100 ms: 10 needed, 15 with headroom, + 1.
        assert_eq!(in_flight(Some(100.0), Some(100 * MS), CAP), 16);
        // At 10 a second (100/10), two in flight do.
        assert_eq!(in_flight(Some(10.0), Some(100 * MS), CAP), 3);
        // On loopback one request is always on its way back.
        assert_eq!(in_flight(Some(100.0), Some(MS), CAP), 2);
        // A slow network asks for more than the cap allows.
        assert_eq!(in_flight(Some(100.0), Some(2000 * MS), CAP), CAP);
        assert_eq!(in_flight(Some(100.0), Some(2000 * MS), 16), 16);
    }

    #[test]
    fn without_a_pace_the_cap_and_without_a_round_trip_a_few() {
        assert_eq!(in_flight(None, Some(100 * MS), 16), 16);
        assert_eq!(in_flight(None, None, 16), 16);
        assert_eq!(in_flight(Some(100.0), None, 16), START);
        assert_eq!(in_flight(Some(100.0), None, 2), 2);
        assert_eq!(in_flight(Some(100.0), Some(100 * MS), 0), 1);
    }

    fn stats(answered: u64, round_trip_ms: u64, rate_limited: u64) -> Stats {
        let mut s = Stats::default();
        s.answered = answered;
        s.round_trip = Duration::from_millis(round_trip_ms);
        s.rate_limited = rate_limited;
        s
    }

    #[test]
    fn follows_the_observed_round_trip() {
        let mut f = Flight::new(Some(100.0), CAP, stats(0, 0, 0));
        assert_eq!(f.target(), START);
        // Ten answers of 100 ms each.
        f.update(stats(10, 1000, 0));
        assert_eq!(f.latency(), Some(100 * MS));
        assert_eq!(f.target(), 16);
        // The network gets faster: fewer needed.
        for i in 1..=20 {
            f.update(stats(10 + i, 1000 + i * 10, 0));
        }
        assert!(f.latency().unwrap() < 15 * MS, "{:?}", f.latency());
        assert_eq!(f.target(), 3);
    }

    #[test]
    fn a_429_halves_and_calm_answers_win_it_back() {
        let mut f = Flight::new(Some(100.0), CAP, stats(0, 0, 0));
        f.update(stats(10, 1000, 0));
        assert_eq!(f.target(), 16);
        f.update(stats(11, 1100, 1));
        assert_eq!(f.target(), 8);
        f.update(stats(12, 1200, 2));
        assert_eq!(f.target(), 4);
        f.update(stats(13, 1300, 3));
        f.update(stats(14, 1400, 4));
        assert_eq!(f.target(), 1, "never below one");
        // Eight answers without a 429 win one place back.
        f.update(stats(21, 2100, 4));
        assert_eq!(f.target(), 1);
        f.update(stats(22, 2200, 4));
        assert_eq!(f.target(), 2);
        f.update(stats(22 + 8 * 20, 2200 + 8 * 20 * 100, 4));
        assert_eq!(f.target(), 16, "back to what the round trip needs");
    }

    #[test]
    fn a_burst_while_the_window_has_room_and_not_after_a_429() {
        let mut f = Flight::new(Some(100.0), 16, stats(0, 0, 0)).with_burst(32);
        // Before any answer: the burst, if the window takes it.
        assert_eq!(f.target_with_room(Some(1000), 0), 32);
        assert_eq!(
            f.target_with_room(None, 0),
            START,
            "room unknown: the round trip's need"
        );
        f.update(stats(10, 1000, 0));
        assert_eq!(f.target(), 16);
        assert_eq!(f.target_with_room(Some(1000), 20), 32);
        // The window nearly full: only what it takes now, never below the round trip's need.
        assert_eq!(f.target_with_room(Some(4), 20), 24);
        assert_eq!(
            f.target_with_room(Some(0), 20),
            20,
            "no more than there are"
        );
        assert_eq!(f.target_with_room(Some(0), 2), 16);
        // A 429: the halved ceiling, no burst until it is won back.
        f.update(stats(11, 1100, 1));
        assert_eq!(f.target_with_room(Some(1000), 0), 8);
        f.update(stats(11 + 8 * 20, 1100 + 8 * 20 * 100, 1));
        assert_eq!(f.target_with_room(Some(1000), 0), 32, "won back");
        // Without a burst, the room changes nothing.
        let f = Flight::new(Some(100.0), 16, stats(0, 0, 0));
        assert_eq!(f.target_with_room(Some(1000), 0), START);
    }

    #[test]
    fn without_a_pace_a_429_still_backs_off() {
        let mut f = Flight::new(None, 16, stats(0, 0, 0));
        assert_eq!(f.target(), 16);
        f.update(stats(5, 5, 1));
        assert_eq!(f.target(), 8);
    }
}
