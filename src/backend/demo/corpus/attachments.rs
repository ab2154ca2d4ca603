//! The demo's attachments: real files under `src/backend/demo/data/`, compiled into the
//! binary, each with the name and MIME type it is sent with.

use crate::mail::compose::{AttachmentSource, DraftAttachment};

/// A file as attached: the name the recipient sees, its MIME type and its bytes.
pub(super) struct File {
    pub name: &'static str,
    pub mime: &'static str,
    pub bytes: &'static [u8],
}

impl File {
    /// The attachment of a draft, for [`crate::mail::compose::build`].
    pub fn draft(&self) -> DraftAttachment {
        DraftAttachment {
            source: AttachmentSource::Data(self.bytes.to_vec()),
            name: Some(self.name.to_string()),
            mime: Some(self.mime.to_string()),
        }
    }
}

macro_rules! file {
    ($name:expr, $mime:expr, $path:literal) => {
        File {
            name: $name,
            mime: $mime,
            bytes: include_bytes!(concat!("../data/", $path)),
        }
    };
}

const CSV: &str = "text/csv; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";
const PDF: &str = "application/pdf";
const PNG: &str = "image/png";

pub(super) const SUMMIT: File = file!("summit.png", PNG, "summit.png");
pub(super) const SIDEBAR: File = file!("sidebar-mockup.png", PNG, "sidebar-mockup.png");
pub(super) const CASTLE: File = file!("castle-view.png", PNG, "castle-view.png");
pub(super) const Q3_REPORT: File = file!("q3-report.pdf", PDF, "q3-report.pdf");
pub(super) const SCAN: File = file!("scan0042.pdf", PDF, "scan0042.pdf");
pub(super) const BOARDING_PASS: File =
    file!("boarding-pass-SK1142.pdf", PDF, "boarding-pass-SK1142.pdf");
pub(super) const INVOICE: File = file!("invoice-PL-19876.pdf", PDF, "invoice-PL-19876.pdf");
pub(super) const TICKET: File = file!("ticket-TD26-0193.pdf", PDF, "ticket-TD26-0193.pdf");
pub(super) const HOTEL_INVOICE: File = file!(
    "hotel-tejo-invoice-TJ-55812.pdf",
    PDF,
    "hotel-tejo-invoice-TJ-55812.pdf"
);
pub(super) const CALL_NOTES: File = file!("call-notes.txt", TEXT, "call-notes.txt");
pub(super) const ROADMAP: File = file!("roadmap-2027.txt", TEXT, "roadmap-2027.txt");
/// Named with an RFC 2231 parameter (its name has an en dash).
pub(super) const EXPENSES: File = file!(
    "Lisbon offsite – expenses.csv",
    CSV,
    "lisbon-offsite-expenses.csv"
);
/// Named with an RFC 2047 encoded word (see [`super::special::encoded_word_name`]).
pub(super) const MINUTES: File = file!("議事録_1015.txt", TEXT, "minutes-1015.txt");
pub(super) const BENCHMARKS: File = file!("startup-benchmarks.csv", CSV, "startup-benchmarks.csv");
pub(super) const INVENTORY: File = file!("inventory.csv", CSV, "inventory.csv");

/// Every file, for the tests.
#[cfg(test)]
pub(super) const ALL: [&File; 15] = [
    &SUMMIT,
    &SIDEBAR,
    &CASTLE,
    &Q3_REPORT,
    &SCAN,
    &BOARDING_PASS,
    &INVOICE,
    &TICKET,
    &HOTEL_INVOICE,
    &CALL_NOTES,
    &ROADMAP,
    &EXPENSES,
    &MINUTES,
    &BENCHMARKS,
    &INVENTORY,
];
