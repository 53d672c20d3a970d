//! What a run may spend on agents: tokens and dollars, added up from every call's usage,
//! priced per model from configuration, and checked before each call so that no call starts
//! that would take the run past a budget.

use std::collections::BTreeMap;

use crate::config::Price;
use crate::record::event::{Call, Tokens};

/// The budgets of a run and what it spent so far.
#[derive(Debug, Default)]
pub struct Budget {
    tokens: Option<u64>,
    usd: Option<f64>,
    /// The agent model's price, if configuration has one.
    price: Option<Price>,
    spent_tokens: u64,
    spent_usd: f64,
}

impl Budget {
    pub fn new(tokens: Option<u64>, usd: Option<f64>, price: Option<Price>) -> Budget {
        Budget {
            tokens,
            usd,
            price,
            ..Budget::default()
        }
    }

    /// What `tokens` cost at the model's price.
    pub fn cost(&self, tokens: Tokens) -> Option<f64> {
        let price = self.price?;
        let per = |count: u64, rate: f64| count as f64 * rate / 1e6;
        Some(
            per(tokens.input, price.input)
                + per(tokens.output, price.output)
                + per(
                    tokens.cached_input,
                    price.cached_input.unwrap_or(price.input),
                )
                + per(tokens.cache_write, price.cache_write.unwrap_or(price.input)),
        )
    }

    /// Whether a call whose prompt is about `estimate` tokens may start; if not, the sentence
    /// saying which budget ran out.
    pub fn admit(&self, estimate: u64) -> Result<(), String> {
        if let Some(limit) = self.tokens {
            if self.spent_tokens + estimate > limit {
                return Err(format!(
                    "the token budget (--budget-tokens {limit}) ran out: {} tokens spent, and \
                     the next prompt alone is about {estimate}",
                    self.spent_tokens
                ));
            }
        }
        if let Some(limit) = self.usd {
            let next = self
                .cost(Tokens {
                    input: estimate,
                    ..Tokens::default()
                })
                .unwrap_or(0.0);
            if self.spent_usd + next > limit {
                return Err(format!(
                    "the money budget (--budget-usd {limit}) ran out: ${:.4} spent, and the \
                     next prompt alone costs about ${next:.4}",
                    self.spent_usd
                ));
            }
        }
        Ok(())
    }

    /// Adds a finished call to what was spent, pricing it when the agent did not.
    pub fn charge(&mut self, call: &mut Call) {
        if call.cost_usd.is_none() {
            call.cost_usd = self.cost(call.tokens);
        }
        self.spent_tokens += call.tokens.total();
        self.spent_usd += call.cost_usd.unwrap_or(0.0);
    }

    /// Tokens and dollars spent so far.
    pub fn spent(&self) -> (u64, f64) {
        (self.spent_tokens, self.spent_usd)
    }

    /// Tokens and dollars left, for the budgets that are set.
    pub fn left(&self) -> (Option<u64>, Option<f64>) {
        (
            self.tokens
                .map(|limit| limit.saturating_sub(self.spent_tokens)),
            self.usd.map(|limit| (limit - self.spent_usd).max(0.0)),
        )
    }
}

/// The price of `model`: its own entry, else the longest entry naming a prefix of it
/// (`claude-sonnet-4` prices `claude-sonnet-4-20250514`).
pub fn price_of(prices: &BTreeMap<String, Price>, model: &str) -> Option<Price> {
    prices.get(model).copied().or_else(|| {
        prices
            .iter()
            .filter(|(name, _)| model.starts_with(name.as_str()))
            .max_by_key(|(name, _)| name.len())
            .map(|(_, price)| *price)
    })
}

#[cfg(test)]
mod test {
    use super::*;

    const SONNET: Price = Price {
        input: 3.0,
        output: 15.0,
        cached_input: Some(0.3),
        cache_write: None,
    };

    fn call(input: u64, output: u64) -> Call {
        Call {
            tokens: Tokens {
                input,
                output,
                ..Tokens::default()
            },
            ..Call::default()
        }
    }

    #[test]
    fn a_call_is_priced_per_million_tokens_of_each_kind() {
        let budget = Budget::new(None, None, Some(SONNET));
        let cost = budget
            .cost(Tokens {
                input: 1_000_000,
                output: 100_000,
                cached_input: 1_000_000,
                cache_write: 1_000_000,
            })
            .unwrap();
        assert!((cost - (3.0 + 1.5 + 0.3 + 3.0)).abs() < 1e-9, "{cost}");
        assert_eq!(Budget::default().cost(Tokens::default()), None);
    }

    #[test]
    fn no_call_starts_that_would_pass_a_budget() {
        let mut budget = Budget::new(Some(10_000), None, None);
        assert!(budget.admit(9_000).is_ok());
        budget.charge(&mut call(8_000, 1_500));
        let refused = budget.admit(600).unwrap_err();
        assert!(refused.contains("--budget-tokens 10000"), "{refused}");
        assert!(refused.contains("9500 tokens spent"), "{refused}");
        assert!(budget.admit(500).is_ok());

        let mut budget = Budget::new(None, Some(0.05), Some(SONNET));
        let mut first = call(10_000, 1_000);
        budget.charge(&mut first);
        assert!((first.cost_usd.unwrap() - 0.045).abs() < 1e-9);
        assert!(budget.admit(1_000).is_ok());
        let refused = budget.admit(2_000).unwrap_err();
        assert!(refused.contains("--budget-usd 0.05"), "{refused}");
    }

    #[test]
    fn an_agents_own_cost_is_kept_and_counted() {
        let mut budget = Budget::new(None, Some(1.0), Some(SONNET));
        let mut reported = call(1_000_000, 0);
        reported.cost_usd = Some(0.5);
        budget.charge(&mut reported);
        assert_eq!(reported.cost_usd, Some(0.5));
        assert_eq!(budget.spent(), (1_000_000, 0.5));
    }

    #[test]
    fn prices_are_found_by_the_longest_model_prefix() {
        let cheap = Price {
            input: 1.0,
            ..SONNET
        };
        let prices = BTreeMap::from([
            ("claude".to_owned(), cheap),
            ("claude-sonnet-4".to_owned(), SONNET),
        ]);
        assert_eq!(price_of(&prices, "claude-sonnet-4-20250514"), Some(SONNET));
        assert_eq!(price_of(&prices, "claude-haiku"), Some(cheap));
        assert_eq!(price_of(&prices, "gpt-4o"), None);
    }
}
