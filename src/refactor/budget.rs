//! What a run may spend on agents: tokens and dollars, added up from every call's usage,
//! priced per model from configuration, and checked before each call so that no call starts
//! that would take the run past a budget.

use std::collections::BTreeMap;

use crate::config::Price;
use crate::record::event::{Call, Tokens};
use crate::refactor::roles::Role;

/// Tokens and dollars.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Spent {
    tokens: u64,
    usd: f64,
}

/// The budgets of a run and what it spent so far, in all and per role.
#[derive(Debug, Default, Clone)]
pub struct Budget {
    tokens: Option<u64>,
    usd: Option<f64>,
    /// Prices per model, from configuration.
    prices: BTreeMap<String, Price>,
    /// The share of the budgets a role may spend, for the roles that have one.
    shares: BTreeMap<Role, f64>,
    spent: Spent,
    by_role: BTreeMap<Role, Spent>,
    /// Calls that may be under way at once (`--jobs`), each answering from its part of what
    /// is left; 0 is one.
    in_flight: u64,
}

impl Budget {
    pub fn new(tokens: Option<u64>, usd: Option<f64>, prices: BTreeMap<String, Price>) -> Budget {
        Budget {
            tokens,
            usd,
            prices,
            ..Budget::default()
        }
    }

    /// Limits `role` to `share` (0 to 1) of each budget.
    pub fn share(&mut self, role: Role, share: f64) {
        self.shares.insert(role, share);
    }

    /// The budget of one of `calls` workers that call at once: each may answer with its part
    /// of what is left, so that together they cannot pass a budget.
    pub fn part_of(&self, calls: usize) -> Budget {
        Budget {
            in_flight: calls as u64,
            ..self.clone()
        }
    }

    /// What `tokens` cost at `model`'s price.
    pub fn cost(&self, tokens: Tokens, model: &str) -> Option<f64> {
        let price = price_of(&self.prices, model)?;
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

    /// Whether a call to `model` whose prompt is about `estimate` tokens may start for
    /// `role`; if not, the sentence saying which budget ran out.
    pub fn admit(&self, estimate: u64, model: &str, role: Role) -> Result<(), String> {
        let input = Tokens {
            input: estimate,
            ..Tokens::default()
        };
        let next = Spent {
            tokens: estimate,
            usd: self.cost(input, model).unwrap_or(0.0),
        };
        check(self.spent, next, self.tokens, self.usd, None)?;
        match self.shares.get(&role) {
            Some(&share) => check(
                self.by_role.get(&role).copied().unwrap_or_default(),
                next,
                self.tokens.map(|t| (t as f64 * share) as u64),
                self.usd.map(|usd| usd * share),
                Some((role, share)),
            ),
            None => Ok(()),
        }
    }

    /// The most output tokens a call to `model` whose prompt is about `estimate` tokens may
    /// answer with before it takes `role` past a budget; `None` when no budget is set.
    pub fn answer_room(&self, estimate: u64, model: &str, role: Role) -> Option<u64> {
        let share = self.shares.get(&role).copied();
        let role_spent = self.by_role.get(&role).copied().unwrap_or_default();
        let limits = [(self.spent, 1.0)]
            .into_iter()
            .chain(share.map(|share| (role_spent, share)));
        let price = price_of(&self.prices, model);
        let calls = self.in_flight.max(1);
        let mut room: Option<u64> = None;
        for (spent, part) in limits {
            let mut fit = |tokens: u64| room = Some(room.map_or(tokens, |r| r.min(tokens)));
            if let Some(limit) = self.tokens {
                let left = ((limit as f64 * part) as u64).saturating_sub(spent.tokens) / calls;
                fit(left.saturating_sub(estimate));
            }
            if let (Some(limit), Some(price)) = (self.usd, price) {
                let input = estimate as f64 * price.input / 1e6;
                let left = ((limit * part - spent.usd) / calls as f64 - input).max(0.0);
                fit((left / price.output.max(1e-9) * 1e6) as u64);
            }
        }
        room
    }

    /// Adds a finished call of `role` to what was spent, pricing it when the agent did not.
    pub fn charge(&mut self, call: &mut Call, role: Role) {
        if call.cost_usd.is_none() {
            call.cost_usd = self.cost(call.tokens, call.model.as_deref().unwrap_or_default());
        }
        let add = |spent: &mut Spent| {
            spent.tokens += call.tokens.total();
            spent.usd += call.cost_usd.unwrap_or(0.0);
        };
        add(&mut self.spent);
        add(self.by_role.entry(role).or_default());
    }

    /// Adds what `after`, a copy of `before` that a `--jobs` worker spent from, spent since.
    pub fn absorb(&mut self, before: &Budget, after: &Budget) {
        let since = |now: Spent, then: Spent| Spent {
            tokens: now.tokens.saturating_sub(then.tokens),
            usd: now.usd - then.usd,
        };
        let add = |spent: &mut Spent, more: Spent| {
            spent.tokens += more.tokens;
            spent.usd += more.usd;
        };
        add(&mut self.spent, since(after.spent, before.spent));
        for (role, now) in &after.by_role {
            let then = before.by_role.get(role).copied().unwrap_or_default();
            add(self.by_role.entry(*role).or_default(), since(*now, then));
        }
    }

    /// Tokens and dollars spent so far.
    pub fn spent(&self) -> (u64, f64) {
        (self.spent.tokens, self.spent.usd)
    }

    /// Tokens and dollars left, for the budgets that are set.
    pub fn left(&self) -> (Option<u64>, Option<f64>) {
        (
            self.tokens
                .map(|limit| limit.saturating_sub(self.spent.tokens)),
            self.usd.map(|limit| (limit - self.spent.usd).max(0.0)),
        )
    }
}

/// Whether `next` fits in the budgets after `spent`; if not, the sentence saying which.
/// `share` is a role's, with its name, when the limits are that role's share.
fn check(
    spent: Spent,
    next: Spent,
    tokens: Option<u64>,
    usd: Option<f64>,
    share: Option<(Role, f64)>,
) -> Result<(), String> {
    let (whose, part, sep) = match share {
        Some((role, share)) => (
            format!("the {role} role's share of "),
            format!("{:.0}% of ", share * 100.0),
            ": ",
        ),
        None => (String::new(), String::new(), " "),
    };
    if let Some(limit) = tokens.filter(|limit| spent.tokens + next.tokens > *limit) {
        return Err(format!(
            "{whose}the token budget ({part}--budget-tokens{sep}{limit}) ran out: {} tokens \
             spent, and the next prompt alone is about {}",
            spent.tokens, next.tokens
        ));
    }
    if let Some(limit) = usd.filter(|limit| spent.usd + next.usd > *limit) {
        return Err(format!(
            "{whose}the money budget ({part}--budget-usd{sep}{limit}) ran out: ${:.4} spent, \
             and the next prompt alone costs about ${:.4}",
            spent.usd, next.usd
        ));
    }
    Ok(())
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

    const D: Role = Role::Duplication;

    fn sonnet() -> BTreeMap<String, Price> {
        BTreeMap::from([("sonnet".to_owned(), SONNET)])
    }

    fn call(input: u64, output: u64) -> Call {
        Call {
            model: Some("sonnet".into()),
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
        let budget = Budget::new(None, None, sonnet());
        let cost = budget
            .cost(
                Tokens {
                    input: 1_000_000,
                    output: 100_000,
                    cached_input: 1_000_000,
                    cache_write: 1_000_000,
                },
                "sonnet",
            )
            .unwrap();
        assert!((cost - (3.0 + 1.5 + 0.3 + 3.0)).abs() < 1e-9, "{cost}");
        assert_eq!(budget.cost(Tokens::default(), "gpt-4o"), None);
    }

    #[test]
    fn the_answer_is_capped_at_what_the_budgets_leave_after_the_prompt() {
        assert_eq!(
            Budget::new(None, None, sonnet()).answer_room(500, "sonnet", D),
            None
        );
        let mut budget = Budget::new(Some(10_000), None, BTreeMap::new());
        budget.charge(&mut call(8_000, 1_500), D);
        assert_eq!(budget.answer_room(200, "", D), Some(300));
        budget.share(D, 0.5);
        assert_eq!(
            budget.answer_room(200, "", D),
            Some(0),
            "the role's half is spent"
        );
        // $0.05 less 1000 input tokens at $3/M leaves $0.047: 3133 output tokens at $15/M.
        let budget = Budget::new(Some(1_000_000), Some(0.05), sonnet());
        assert_eq!(budget.answer_room(1_000, "sonnet", D), Some(3_133));
    }

    #[test]
    fn calls_made_at_once_share_what_is_left() {
        let mut budget = Budget::new(Some(10_000), None, BTreeMap::new());
        budget.charge(&mut call(2_000, 0), D);
        assert_eq!(budget.answer_room(1_000, "", D), Some(7_000));
        // Two calls of 1000 prompt tokens answering 3000 each spend the 8000 left, no more.
        assert_eq!(budget.part_of(2).answer_room(1_000, "", D), Some(3_000));
        // $0.05 over two calls: $0.025 less the prompt's $0.003 is 1466 tokens at $15/M.
        let budget = Budget::new(None, Some(0.05), sonnet());
        assert_eq!(
            budget.part_of(2).answer_room(1_000, "sonnet", D),
            Some(1_466)
        );
    }

    #[test]
    fn no_call_starts_that_would_pass_a_budget() {
        let mut budget = Budget::new(Some(10_000), None, BTreeMap::new());
        assert!(budget.admit(9_000, "", D).is_ok());
        budget.charge(&mut call(8_000, 1_500), D);
        let refused = budget.admit(600, "", D).unwrap_err();
        assert!(refused.contains("--budget-tokens 10000"), "{refused}");
        assert!(refused.contains("9500 tokens spent"), "{refused}");
        assert!(budget.admit(500, "", D).is_ok());

        let mut budget = Budget::new(None, Some(0.05), sonnet());
        let mut first = call(10_000, 1_000);
        budget.charge(&mut first, D);
        assert!((first.cost_usd.unwrap() - 0.045).abs() < 1e-9);
        assert!(budget.admit(1_000, "sonnet", D).is_ok());
        let refused = budget.admit(2_000, "sonnet", D).unwrap_err();
        assert!(refused.contains("--budget-usd 0.05"), "{refused}");
    }

    #[test]
    fn an_agents_own_cost_is_kept_and_counted() {
        let mut budget = Budget::new(None, Some(1.0), sonnet());
        let mut reported = call(1_000_000, 0);
        reported.cost_usd = Some(0.5);
        budget.charge(&mut reported, D);
        assert_eq!(reported.cost_usd, Some(0.5));
        assert_eq!(budget.spent(), (1_000_000, 0.5));
    }

    #[test]
    fn a_role_spends_only_its_share() {
        let mut budget = Budget::new(Some(10_000), None, BTreeMap::new());
        budget.share(Role::Architecture, 0.25);
        let a = Role::Architecture;
        assert!(budget.admit(2_000, "", a).is_ok());
        budget.charge(&mut call(2_000, 0), a);
        let refused = budget.admit(600, "", a).unwrap_err();
        assert!(refused.contains("architecture role's share"), "{refused}");
        assert!(
            refused.contains("25% of --budget-tokens: 2500"),
            "{refused}"
        );
        // The other role still has the rest of the run's budget.
        assert!(budget.admit(7_000, "", D).is_ok());
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
