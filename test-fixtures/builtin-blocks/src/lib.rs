//! Two modules, each with one run of statements copied (renamed) into two functions: the
//! built-in agent's block extraction is verified and kept on this crate.

pub mod stats;
pub mod tags;

#[cfg(test)]
mod tests {
    #[test]
    fn the_crate_s_own_tests_cover_one_ordinary_case_each() {
        assert_eq!(crate::stats::summarize(&[1, 2], 5), "3 OVER 2");
        assert_eq!(crate::stats::weigh(&[3, 100], 5), Some(9));
        assert_eq!(crate::tags::distinct(&["b", "a"], 1).1, 2);
        assert_eq!(crate::tags::joined(&["x"], 1, "h"), "h,x:1");
    }
}
