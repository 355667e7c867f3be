//! Event streams: what a neuromorphic (dynamic vision) sensor emits, one event per pixel whose
//! brightness changed, and the files they come in.
//!
//! N-MNIST's binary format (Orchard et al. 2015): 5 bytes an event, big-endian bit fields
//! x (bits 39–32), y (31–24), polarity (23: 1 = ON) and timestamp in µs (22–0). A record with
//! y = 240 is not an event: it marks a timestamp overflow and adds 2¹³ µs to every later
//! timestamp (the convention of the dataset's own readers).

use super::DataError;
use std::path::Path;

/// A change of brightness at sensor pixel (x, y): brighter (`on`) or darker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    pub t_us: u64,
    pub x: u16,
    pub y: u16,
    pub on: bool,
}

/// The y of an overflow record, and the time it adds, µs.
const OVERFLOW_Y: u8 = 240;
const OVERFLOW_US: u64 = 1 << 13;
/// The largest timestamp a record holds (23 bits).
const TS_MAX: u64 = (1 << 23) - 1;

/// The events of an N-MNIST file's bytes, checked against a sensor of `size` (width,
/// height): a truncated record, a timestamp going backwards or a pixel outside the sensor
/// is an error naming the byte where the record starts.
pub fn read_nmnist(bytes: &[u8], file: &Path, (width, height): (u16, u16)) -> Result<Vec<Event>, DataError> {
    let at = |byte: usize, why: String| DataError::Byte { file: file.into(), byte, why };
    if !bytes.len().is_multiple_of(5) {
        let start = bytes.len() - bytes.len() % 5;
        return Err(at(
            start,
            format!("the file ends inside an event ({} bytes, not a multiple of 5)", bytes.len()),
        ));
    }
    let mut events = Vec::with_capacity(bytes.len() / 5);
    let mut added = 0;
    let mut last = 0;
    for (k, r) in bytes.chunks_exact(5).enumerate() {
        if r[1] == OVERFLOW_Y {
            added += OVERFLOW_US;
            continue;
        }
        let t_us = added + ((u64::from(r[2] & 0x7f) << 16) | (u64::from(r[3]) << 8) | u64::from(r[4]));
        let (x, y) = (u16::from(r[0]), u16::from(r[1]));
        if x >= width || y >= height {
            return Err(at(5 * k, format!("pixel ({x}, {y}) is outside the {width}×{height} sensor")));
        }
        if t_us < last {
            return Err(at(5 * k, format!("time goes backwards: {t_us} µs after {last} µs")));
        }
        last = t_us;
        events.push(Event { t_us, x, y, on: r[2] & 0x80 != 0 });
    }
    Ok(events)
}

/// Reads an N-MNIST file (see [`read_nmnist`]).
pub fn read_nmnist_file(path: &Path, size: (u16, u16)) -> Result<Vec<Event>, DataError> {
    let bytes = std::fs::read(path)
        .map_err(|e| DataError::File { file: path.into(), why: format!("cannot be read: {e}") })?;
    read_nmnist(&bytes, path, size)
}

/// N-MNIST's bytes for `events` (in time order, x and y below 240 and 256): overflow records
/// are written where a timestamp would not fit in 23 bits.
pub fn write_nmnist(events: &[Event]) -> Vec<u8> {
    let mut out = Vec::with_capacity(events.len() * 5);
    let mut added = 0;
    for e in events {
        while e.t_us - added.min(e.t_us) > TS_MAX {
            out.extend_from_slice(&[0, OVERFLOW_Y, 0, 0, 0]);
            added += OVERFLOW_US;
        }
        let t = e.t_us.saturating_sub(added);
        out.extend_from_slice(&[
            e.x as u8,
            e.y as u8,
            (u8::from(e.on) << 7) | ((t >> 16) as u8 & 0x7f),
            (t >> 8) as u8,
            t as u8,
        ]);
    }
    out
}

/// Events from a CSV list `t,x,y,p` (t in µs, p 1 or 0 for ON or OFF, also -1 for OFF); a
/// first row that is not numbers is a header. Errors name the row.
pub fn read_csv(text: &str, file: &Path, size: (u16, u16)) -> Result<Vec<Event>, DataError> {
    let at = |row: usize, why: String| DataError::Row { file: file.into(), row, why };
    let mut rows = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let numbers: Result<Vec<f64>, _> = cells.iter().map(|c| c.parse::<f64>()).collect();
        match numbers {
            Ok(v) if v.len() == 4 => rows.push((k + 1, [v[0], v[1], v[2], v[3]])),
            Ok(v) => return Err(at(k + 1, format!("{} columns: an event is t,x,y,p", v.len()))),
            Err(_) if k == 0 => continue,
            Err(_) => return Err(at(k + 1, format!("\"{line}\" is not four numbers t,x,y,p"))),
        }
    }
    checked(rows, file, size)
}

/// Events from a `.npy` array of shape (events, 4), columns t, x, y, p as for [`read_csv`],
/// of any number type. Errors name the row (from 1).
pub fn read_npy(path: &Path, size: (u16, u16)) -> Result<Vec<Event>, DataError> {
    let (shape, values) = super::read_npy(path)?;
    if shape.len() != 2 || shape[1] != 4 {
        return Err(DataError::File {
            file: path.into(),
            why: format!("has shape {shape:?}: an event list is (events, 4), columns t, x, y, p"),
        });
    }
    let rows = values.chunks_exact(4).enumerate().map(|(k, v)| (k + 1, [v[0], v[1], v[2], v[3]]));
    checked(rows, path, size)
}

/// Rows (row number, [t µs, x, y, p]) as events, each checked: whole times going forward,
/// pixels on the sensor, polarity 1 (ON) or 0 or -1 (OFF).
fn checked(
    rows: impl IntoIterator<Item = (usize, [f64; 4])>,
    file: &Path,
    (width, height): (u16, u16),
) -> Result<Vec<Event>, DataError> {
    let at = |row: usize, why: String| DataError::Row { file: file.into(), row, why };
    let mut events = Vec::new();
    let mut last = 0;
    for (row, v) in rows {
        let whole = |x: f64| x >= 0.0 && x.fract() == 0.0;
        if !whole(v[0]) {
            return Err(at(row, format!("t must be whole microseconds ≥ 0, got {}", v[0])));
        }
        if !(whole(v[1]) && whole(v[2]) && v[1] < f64::from(width) && v[2] < f64::from(height)) {
            return Err(at(
                row,
                format!("pixel ({}, {}) is outside the {width}×{height} sensor", v[1], v[2]),
            ));
        }
        let on = match v[3] {
            1.0 => true,
            0.0 | -1.0 => false,
            p => return Err(at(row, format!("polarity must be 1 (ON) or 0 or -1 (OFF), got {p}"))),
        };
        let t_us = v[0] as u64;
        if t_us < last {
            return Err(at(row, format!("time goes backwards: {t_us} µs after {last} µs")));
        }
        last = t_us;
        events.push(Event { t_us, x: v[1] as u16, y: v[2] as u16, on });
    }
    Ok(events)
}

/// The events of a file by its extension: N-MNIST `.bin` (any other extension too), CSV or
/// `.npy` event lists, checked against a sensor of `size`. Kept while the file stays the
/// same.
pub fn read_file(path: &Path, size: (u16, u16)) -> Result<std::sync::Arc<Vec<Event>>, DataError> {
    let is = |ext: &str| path.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext));
    let key = format!("events {} {size:?}", path.display());
    super::cached(&key, &[path], || {
        if is("csv") {
            let text = std::fs::read_to_string(path)
                .map_err(|e| DataError::File { file: path.into(), why: format!("cannot be read: {e}") })?;
            read_csv(&text, path, size)
        } else if is("npy") {
            read_npy(path, size)
        } else {
            read_nmnist_file(path, size)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_hand_made_records_decode_including_an_overflow() {
        let file = Path::new("three.bin");
        // (x=1, y=2, ON, t=5), an overflow record, (x=33, y=0, OFF, t=0x7fffff after it).
        let bytes = [
            1, 2, 0x80, 0, 5, //
            0, 240, 0, 0, 0, //
            33, 0, 0x7f, 0xff, 0xff, //
        ];
        let events = read_nmnist(&bytes, file, (34, 34)).expect("valid");
        assert_eq!(
            events,
            vec![
                Event { t_us: 5, x: 1, y: 2, on: true },
                Event { t_us: 8192 + 0x7f_ffff, x: 33, y: 0, on: false },
            ]
        );
        let one = [0, 33, 0x81, 0x02, 0x03];
        assert_eq!(
            read_nmnist(&one, file, (34, 34)).expect("valid"),
            vec![Event { t_us: 0x01_0203, x: 0, y: 33, on: true }]
        );
    }

    #[test]
    fn bad_event_files_name_the_byte_and_the_cause() {
        let file = Path::new("bad.bin");
        let err = |bytes: &[u8]| read_nmnist(bytes, file, (34, 34)).expect_err("refused").to_string();
        assert_eq!(
            err(&[1, 2, 0, 0, 5, 1, 2]),
            "bad.bin: byte 5: the file ends inside an event (7 bytes, not a multiple of 5)"
        );
        assert_eq!(
            err(&[1, 2, 0, 0, 9, 1, 2, 0, 0, 5]),
            "bad.bin: byte 5: time goes backwards: 5 µs after 9 µs"
        );
        assert_eq!(err(&[34, 2, 0, 0, 9]), "bad.bin: byte 0: pixel (34, 2) is outside the 34×34 sensor");
        let csv = |text: &str| read_csv(text, Path::new("e.csv"), (34, 34)).expect_err("refused").to_string();
        assert_eq!(
            csv("t,x,y,p\n10,1,1,1\n5,1,1,0\n"),
            "e.csv: row 3: time goes backwards: 5 µs after 10 µs"
        );
        assert_eq!(csv("10,1,40,1\n"), "e.csv: row 1: pixel (1, 40) is outside the 34×34 sensor");
        assert_eq!(csv("10,1,1,2\n"), "e.csv: row 1: polarity must be 1 (ON) or 0 or -1 (OFF), got 2");
        assert_eq!(csv("10,1,1\n"), "e.csv: row 1: 3 columns: an event is t,x,y,p");
    }

    #[test]
    fn the_saccade_encoders_events_come_back_from_its_file_event_for_event() {
        let d = crate::data::Dataset::digits().expect("digits");
        // 10 s sweeps: timestamps beyond 2^23 µs need overflow records.
        let s = crate::data::Saccades { sweep_ms: 4000.0, dt_ms: 50.0, ..Default::default() };
        let events = s.encode(&d.intensities(3), d.width);
        assert!(
            events.len() > 100 && events.last().expect("events").t_us > TS_MAX,
            "{} events",
            events.len()
        );
        let (w, h) = s.sensor(d.width, d.height);
        let bytes = write_nmnist(&events);
        assert_eq!(read_nmnist(&bytes, Path::new("mine.bin"), (w as u16, h as u16)).expect("reads"), events);
        let csv: String =
            events.iter().map(|e| format!("{},{},{},{}\n", e.t_us, e.x, e.y, u8::from(e.on))).collect();
        assert_eq!(read_csv(&csv, Path::new("mine.csv"), (w as u16, h as u16)).expect("reads"), events);
    }
}
