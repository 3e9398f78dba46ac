//! Arguments from JS, checked: JS can pass anything where a string or a number is declared, and
//! wasm-bindgen's own conversion of a wrong type traps ("memory access out of bounds") instead
//! of throwing. Every export takes `JsValue` and converts it here, so a wrong type is an
//! `invalid_option` error naming the parameter.

use leads_core::ImportOptions;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{invalid_option, js};

fn type_name(value: &JsValue) -> String {
    if value.is_null() { "null".into() } else { value.js_typeof().as_string().unwrap_or_default() }
}

/// A string argument.
pub(crate) fn string(name: &str, value: &JsValue) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| invalid_option(name, &format!("must be a string, not {}", type_name(value))))
}

/// An optional string argument (`undefined` or `null` for none).
pub(crate) fn optional_string(name: &str, value: &JsValue) -> Result<Option<String>, JsValue> {
    if value.is_undefined() || value.is_null() { Ok(None) } else { string(name, value).map(Some) }
}

/// An optional boolean argument (the stores' methods take some).
#[cfg_attr(not(feature = "stores"), allow(dead_code))]
pub(crate) fn optional_bool(name: &str, value: &JsValue) -> Result<Option<bool>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_bool()
        .map(Some)
        .ok_or_else(|| invalid_option(name, &format!("must be a boolean, not {}", type_name(value))))
}

/// An index or length: a whole number from 0 to 2^32 - 1.
pub(crate) fn index(name: &str, value: &JsValue) -> Result<u32, JsValue> {
    let n = value
        .as_f64()
        .ok_or_else(|| invalid_option(name, &format!("must be a number, not {}", type_name(value))))?;
    if n.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&n) {
        return Err(invalid_option(name, &format!("{n} is not a whole number from 0 to {}", u32::MAX)));
    }
    Ok(n as u32)
}

/// CSV input as bytes: a string (as UTF-8), a `Uint8Array` or an `ArrayBuffer`. A detached
/// (transferred) buffer is an error, not a JS exception thrown through the module.
pub(crate) fn input_bytes(input: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(text) = input.as_string() {
        return Ok(text.into_bytes());
    }
    if let Some(bytes) = input.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    if input.is_instance_of::<js_sys::ArrayBuffer>() {
        // `new Uint8Array(buffer)` throws on a detached buffer: construct it where a throw is a value.
        let args = js_sys::Array::of1(input);
        let view = js_sys::Reflect::construct(&js_sys::Uint8Array::new_with_length(0).constructor(), &args)
            .map_err(|_| {
            invalid_option("input", "the ArrayBuffer is detached (transferred elsewhere)")
        })?;
        return Ok(view.unchecked_into::<js_sys::Uint8Array>().to_vec());
    }
    Err(invalid_option("input", "CSV input must be a string, a Uint8Array or an ArrayBuffer"))
}

/// Options go through their JSON form, so unknown keys and bad values get the same errors as in
/// Rust and Python.
pub(crate) fn options(value: JsValue) -> Result<ImportOptions, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(ImportOptions::default());
    }
    let json = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|j| j.as_string())
        .ok_or_else(|| invalid_option("options", "options must be a plain object"))?;
    ImportOptions::from_json(&json).map_err(js)
}

/// Plain JS objects (no `Map`s), `null` for missing values.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))
}

// Leads cross into JS in bulk: their text as one UTF-8 buffer (ASCII fields and the others apart,
// so that the ASCII ones decode to one-byte strings), decoded once by `TextDecoder` and cut with
// `slice`, and each lead's seven fields as indexes into those strings. Sources, interest levels,
// statuses and salespeople repeat: each distinct value crosses once per call. A call per field
// through serde-wasm-bindgen cost five times as much (BENCHMARKS.md).
#[wasm_bindgen::prelude::wasm_bindgen(inline_js = r#"
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
function cut(bytes, ends, strings) {
  const text = decoder.decode(bytes);
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i];
    strings.push(text.slice(start, end));
    start = end;
  }
}
export function leadsFromParts(ascii, asciiEnds, other, otherEnds, slots) {
  const s = [];
  cut(ascii, asciiEnds, s);
  cut(other, otherEnds, s);
  const n = slots.length / 7;
  const leads = new Array(n);
  for (let i = 0, k = 0; i < n; i++, k += 7) {
    const sp = slots[k + 6];
    leads[i] = {
      lead_id: s[slots[k]],
      lead_name: s[slots[k + 1]],
      contact_information: s[slots[k + 2]],
      source: s[slots[k + 3]],
      interest_level: s[slots[k + 4]],
      status: s[slots[k + 5]],
      salesperson: sp === 0xffffffff ? null : s[sp],
    };
  }
  return leads;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = leadsFromParts)]
    fn leads_from_parts(
        ascii: &[u8],
        ascii_ends: &[u32],
        other: &[u8],
        other_ends: &[u32],
        slots: &[u32],
    ) -> JsValue;

    /// The same, on parts that are already JS typed arrays (from another Worker).
    #[cfg(feature = "packed")]
    #[wasm_bindgen(js_name = leadsFromParts)]
    fn leads_from_js_parts(
        ascii: &JsValue,
        ascii_ends: &JsValue,
        other: &JsValue,
        other_ends: &JsValue,
        slots: &JsValue,
    ) -> JsValue;
}

/// The slot of a missing salesperson.
const NO_VALUE: u32 = u32::MAX;
/// Distinct repeated values shared per call, at most; later ones cross once per lead.
const SHARED_VALUES: usize = 4096;

/// The longest string V8 makes (2^29 - 24 UTF-16 units); each of the two texts must fit.
const MAX_UNITS: u32 = (1 << 29) - 24;

/// Strings on their way to JS: ASCII and other text apart, with their ends in UTF-16 units.
#[derive(Default)]
struct Strings {
    text: Vec<u8>,
    ends: Vec<u32>,
    /// UTF-16 length of `text` so far.
    units: u32,
}

impl Strings {
    /// Adds `s` of `units` UTF-16 units; `None` past what a JS string can hold.
    fn push(&mut self, s: &str, units: usize) -> Option<u32> {
        let index = u32::try_from(self.ends.len()).ok().filter(|i| *i < NO_VALUE >> 1)?;
        self.units = self.units.checked_add(u32::try_from(units).ok()?).filter(|u| *u <= MAX_UNITS)?;
        self.text.extend_from_slice(s.as_bytes());
        self.ends.push(self.units);
        Some(index)
    }
}

/// Leads packed for [`leads_from_parts`].
struct Packed<'a> {
    ascii: Strings,
    other: Strings,
    /// Seven per lead: an index into `ascii`, or `other` with the top bit set, or `NO_VALUE`.
    slots: Vec<u32>,
    shared: rustc_hash::FxHashMap<&'a str, u32>,
}

impl<'a> Packed<'a> {
    fn string(&mut self, s: &'a str) -> Option<u32> {
        if s.is_ascii() {
            self.ascii.push(s, s.len())
        } else {
            // UTF-16 units: one per character, two for those past the BMP (4-byte sequences).
            let units =
                s.bytes().filter(|b| (*b & 0xC0) != 0x80).count() + s.bytes().filter(|b| *b >= 0xF0).count();
            self.other.push(s, units).map(|i| i | !(NO_VALUE >> 1))
        }
    }

    fn repeated(&mut self, s: &'a str) -> Option<u32> {
        if let Some(slot) = self.shared.get(s) {
            return Some(*slot);
        }
        let slot = self.string(s)?;
        if self.shared.len() < SHARED_VALUES {
            self.shared.insert(s, slot);
        }
        Some(slot)
    }

    fn lead(&mut self, lead: &leads_core::LeadRow<'a>) -> Option<()> {
        let slots = [
            self.string(lead.lead_id)?,
            self.string(lead.lead_name)?,
            self.string(lead.contact_information)?,
            self.repeated(lead.source)?,
            self.repeated(lead.interest_level.as_str())?,
            self.repeated(lead.status)?,
            match lead.salesperson {
                Some(s) => self.repeated(s)?,
                None => NO_VALUE,
            },
        ];
        self.slots.extend_from_slice(&slots);
        Some(())
    }
}

/// Leads packed, their slots pointing past the ASCII strings for the others (as in JS).
fn pack<'a>(leads: impl IntoIterator<Item = leads_core::LeadRow<'a>>) -> Result<Packed<'a>, JsValue> {
    let leads = leads.into_iter();
    let mut packed = Packed {
        ascii: Strings::default(),
        other: Strings::default(),
        slots: Vec::with_capacity(leads.size_hint().0.saturating_mul(7)),
        shared: rustc_hash::FxHashMap::default(),
    };
    for lead in leads {
        packed.lead(&lead).ok_or_else(|| {
            invalid_option(
                "leads",
                "their text is more than one JS string can hold: take them in smaller slices",
            )
        })?;
    }
    // Other strings follow the ASCII ones in JS.
    let first_other = u32::try_from(packed.ascii.ends.len()).unwrap_or(NO_VALUE);
    for slot in &mut packed.slots {
        if *slot != NO_VALUE && *slot & !(NO_VALUE >> 1) != 0 {
            *slot = (*slot & (NO_VALUE >> 1)) + first_other;
        }
    }
    Ok(packed)
}

/// Leads as an array of plain `Lead` objects, the same as [`to_js`] makes of them, at a fraction
/// of the cost.
pub(crate) fn leads_to_js<'a>(
    leads: impl IntoIterator<Item = leads_core::LeadRow<'a>>,
) -> Result<JsValue, JsValue> {
    let p = pack(leads)?;
    Ok(leads_from_parts(&p.ascii.text, &p.ascii.ends, &p.other.text, &p.other.ends, &p.slots))
}

/// The names of a `PackedLeads`' typed arrays.
#[cfg(feature = "packed")]
const PACKED: [&str; 5] = ["ascii", "asciiEnds", "other", "otherEnds", "slots"];

/// Leads as a `PackedLeads`: typed arrays (of their own buffers, to transfer to another Worker)
/// that [`leads_from_packed`] makes into the objects of [`leads_to_js`].
#[cfg(feature = "packed")]
pub(crate) fn leads_to_packed<'a>(
    leads: impl IntoIterator<Item = leads_core::LeadRow<'a>>,
) -> Result<JsValue, JsValue> {
    let p = pack(leads)?;
    let parts: [JsValue; 5] = [
        js_sys::Uint8Array::from(&p.ascii.text[..]).into(),
        js_sys::Uint32Array::from(&p.ascii.ends[..]).into(),
        js_sys::Uint8Array::from(&p.other.text[..]).into(),
        js_sys::Uint32Array::from(&p.other.ends[..]).into(),
        js_sys::Uint32Array::from(&p.slots[..]).into(),
    ];
    let out = js_sys::Object::new();
    for (name, part) in PACKED.iter().zip(&parts) {
        js_sys::Reflect::set(&out, &(*name).into(), part)?;
    }
    Ok(out.into())
}

/// The `Lead` objects of a `PackedLeads`.
#[cfg(feature = "packed")]
pub(crate) fn leads_from_packed(packed: &JsValue) -> Result<JsValue, JsValue> {
    let mut parts = Vec::with_capacity(5);
    for (i, name) in PACKED.iter().enumerate() {
        let part = js_sys::Reflect::get(packed, &(*name).into()).unwrap_or(JsValue::UNDEFINED);
        let typed = if i % 2 == 0 && i < 4 {
            part.is_instance_of::<js_sys::Uint8Array>()
        } else {
            part.is_instance_of::<js_sys::Uint32Array>()
        };
        if !typed {
            return Err(invalid_option(
                "packed",
                &format!("{name} is missing: pass what takeLeadsPacked() returned"),
            ));
        }
        parts.push(part);
    }
    Ok(leads_from_js_parts(&parts[0], &parts[1], &parts[2], &parts[3], &parts[4]))
}
