import Foundation
import PressKit
import Testing

@Suite struct SlugTests {
    @Test(arguments: [
        ("Who’s Happy in Iraq?", "whos-happy-in-iraq"),
        ("Who's Happy in Iraq?", "whos-happy-in-iraq"),
        ("Crème brûlée à la carte", "creme-brulee-a-la-carte"),
        ("  Straße -- Ærø  ", "strasse-aero"),
        ("2026: A Year in Review!", "2026-a-year-in-review"),
        ("Łódź & Kraków", "lodz-krakow"),
        ("Новости дня", "novosti-dnya"),
        ("Ελληνικά νέα", "ellenika-nea"),
        ("Съешь ещё этих булок", "syesh-yeshche-etikh-bulok"),
        ("Україна сьогодні", "ukraina-sogodni"),
        ("中文 News", "zhong-wen-news"),
    ])
    func titlesBecomeSlugs(title: String, slug: String) {
        #expect(Slug(title: title)?.value == slug)
    }

    @Test func aTitleWithNoLettersMakesNoSlug() {
        #expect(Slug(title: "?!… ’") == nil)
    }

    @Test(arguments: [
        "a/b", "../x", "has space", "Capital", "-lead", "trail-", "dou--ble", "", ".hidden", "v1.", "_x", "x_",
        "a..b", "ünï",
    ])
    func badSlugsAreNamed(slug: String) {
        #expect(Slug.problem(with: slug) != nil)
        #expect(Slug(slug) == nil)
    }

    /// Slugs as real blogs' file names and URLs have them.
    @Test(arguments: ["v22.1.0", "weekly-update.2015-02-06", "rust_1.0", "release-notes_v2", "a.b-c_d"])
    func slugsWithDotsAndUnderscoresAreSlugs(slug: String) {
        #expect(Slug(slug)?.value == slug)
        #expect(Slug.problem(with: slug) == nil)
    }

    @Test func titlesStillMakeSlugsOfLettersDigitsAndHyphens() {
        #expect(Slug(title: "Rust 1.0 is out_now")?.value == "rust-1-0-is-out-now")
    }
}

@Suite struct TimeTests {
    let london = TimeZone(identifier: "Europe/London") ?? TimeZone(secondsFromGMT: 0) ?? .current

    @Test func isoWithOffsetIsTakenAsGiven() throws {
        let date = try PressTime.parse("2027-06-01T09:30:00+02:00", zone: london)
        #expect(date == Date(timeIntervalSince1970: 1_811_835_000))
        #expect(PressTime.format(date, zone: london) == "2027-06-01T08:30:00+01:00")
    }

    @Test func aLocalTimeUsesTheWorkflowsZone() throws {
        let winter = try PressTime.parse("2027-01-15 09:00", zone: london)
        #expect(PressTime.format(winter, zone: london) == "2027-01-15T09:00:00+00:00")
        let summer = try PressTime.parse("2027-07-15 09:00", zone: london)
        #expect(PressTime.format(summer, zone: london) == "2027-07-15T09:00:00+01:00")
    }

    @Test func aTimeIsWrittenWithItsZonesOffsetEitherSideOfGreenwich() throws {
        let york = try #require(TimeZone(identifier: "America/New_York"))
        let kolkata = try #require(TimeZone(identifier: "Asia/Kolkata"))
        let date = try PressTime.parse("2027-01-05T03:04:05+00:00", zone: london)
        #expect(PressTime.format(date, zone: york) == "2027-01-04T22:04:05-05:00")
        #expect(PressTime.format(date, zone: kolkata) == "2027-01-05T08:34:05+05:30")
        #expect(PressTime.format(Date(timeIntervalSince1970: -1), zone: london) == "1970-01-01T00:59:59+01:00")
    }

    @Test func aTimeInTheSpringGapIsRefused() {
        #expect(throws: TimeError.nonexistent("2027-03-28 01:30", zone: "Europe/London")) {
            try PressTime.parse("2027-03-28 01:30", zone: london)
        }
    }

    @Test func aTimeInTheAutumnOverlapIsRefused() {
        #expect(throws: TimeError.ambiguous("2027-10-31 01:30", zone: "Europe/London")) {
            try PressTime.parse("2027-10-31 01:30", zone: london)
        }
    }

    /// Jekyll's and Ruby's form: a space before the offset, which has no colon.
    @Test func jekyllsDateFormIsRead() throws {
        let date = try PressTime.parse("2013-05-06 02:12:52 +0200", zone: london)
        #expect(date == (try PressTime.parse("2013-05-06T00:12:52Z", zone: london)))
        #expect(try PressTime.parse("2013-05-06 02:12:52 -0730", zone: london).timeIntervalSince(date) == 9.5 * 3600)
    }

    @Test(arguments: [
        "tomorrow", "2027-01-01 10:00 +", "2027-01-01 10:00:00  +0200", "2027-13-01 10:00", "2027-02-30 10:00",
        "2027-01-01", "2027-01-01 25:00", "2027-01-01T10:00+99:00",
    ])
    func unreadableTimesAreRefused(text: String) {
        #expect(throws: TimeError.unparseable(text)) { try PressTime.parse(text, zone: london) }
    }
}
