//! What the guardrails read through: invocations of a file's own one-rule `macro_rules!`
//! whose matcher is empty or one `$name:ty` (what the built-in agent writes for impls and
//! methods written alike), expanded in place, so that moving a trait impl or a method into
//! such a macro is not mistaken for removing it from the API.

use std::borrow::Cow;
use std::collections::HashMap;

use proc_macro2::{Group, TokenStream, TokenTree};
use syn::visit_mut::VisitMut;

/// One macro: its parameter's name, if it takes one, and its body.
struct Rule {
    param: Option<String>,
    body: TokenStream,
}

/// `file` with its simple macros' invocations (as items or impl items) expanded; the file
/// itself when it defines none.
pub(super) fn expanded(file: &syn::File) -> Cow<'_, syn::File> {
    let mut rules = HashMap::new();
    collect(&file.items, &mut rules);
    if rules.is_empty() {
        return Cow::Borrowed(file);
    }
    let mut file = file.clone();
    Expander(&rules).visit_file_mut(&mut file);
    Cow::Owned(file)
}

fn collect(items: &[syn::Item], rules: &mut HashMap<String, Rule>) {
    for item in items {
        match item {
            syn::Item::Macro(m) if m.mac.path.is_ident("macro_rules") => {
                if let (Some(name), Some(rule)) = (&m.ident, rule(m.mac.tokens.clone())) {
                    rules.insert(name.to_string(), rule);
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    collect(inner, rules);
                }
            }
            _ => {}
        }
    }
}

/// The rule of a `macro_rules!` body `(matcher) => { body }` with an empty or `$x:ty` matcher.
fn rule(tokens: TokenStream) -> Option<Rule> {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let [TokenTree::Group(matcher), TokenTree::Punct(eq), TokenTree::Punct(gt), TokenTree::Group(body), rest @ ..] =
        tokens.as_slice()
    else {
        return None;
    };
    let arrow = eq.as_char() == '=' && gt.as_char() == '>';
    let ends = matches!(rest, [] | [TokenTree::Punct(_)]);
    if !arrow || !ends {
        return None;
    }
    let matcher: Vec<String> = matcher
        .stream()
        .into_iter()
        .map(|t| t.to_string())
        .collect();
    let param = match matcher.as_slice() {
        [] => None,
        [dollar, name, colon, ty] if dollar == "$" && colon == ":" && ty == "ty" => {
            Some(name.clone())
        }
        _ => return None,
    };
    Some(Rule {
        param,
        body: body.stream(),
    })
}

/// `body` with every `$param` replaced by `arg`.
fn substitute(body: TokenStream, param: Option<&str>, arg: &TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut tokens = body.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Punct(p) if p.as_char() == '$' => {
                let named = matches!(tokens.peek(), Some(TokenTree::Ident(i)) if Some(i.to_string().as_str()) == param);
                if named {
                    tokens.next();
                    out.extend(arg.clone());
                } else {
                    out.push(TokenTree::Punct(p));
                }
            }
            TokenTree::Group(g) => {
                let inner = substitute(g.stream(), param, arg);
                let mut group = Group::new(g.delimiter(), inner);
                group.set_span(g.span());
                out.push(TokenTree::Group(group));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

struct Expander<'a>(&'a HashMap<String, Rule>);

impl Expander<'_> {
    /// The expansion of `mac`, if it invokes one of the rules with what its matcher takes.
    fn expand(&self, mac: &syn::Macro) -> Option<TokenStream> {
        let rule = self.0.get(&mac.path.get_ident()?.to_string())?;
        if rule.param.is_none() != mac.tokens.is_empty() {
            return None;
        }
        Some(substitute(
            rule.body.clone(),
            rule.param.as_deref(),
            &mac.tokens,
        ))
    }
}

impl VisitMut for Expander<'_> {
    fn visit_file_mut(&mut self, file: &mut syn::File) {
        file.items = expand_items(self, std::mem::take(&mut file.items));
        syn::visit_mut::visit_file_mut(self, file);
    }

    fn visit_item_mod_mut(&mut self, m: &mut syn::ItemMod) {
        if let Some((_, items)) = &mut m.content {
            *items = expand_items(self, std::mem::take(items));
        }
        syn::visit_mut::visit_item_mod_mut(self, m);
    }

    fn visit_item_impl_mut(&mut self, block: &mut syn::ItemImpl) {
        let mut items = Vec::new();
        for item in std::mem::take(&mut block.items) {
            let expansion = match &item {
                syn::ImplItem::Macro(m) => self.expand(&m.mac).and_then(|tokens| {
                    let wrapped: syn::ItemImpl =
                        syn::parse2(quote::quote!(impl X { #tokens })).ok()?;
                    Some(wrapped.items)
                }),
                _ => None,
            };
            match expansion {
                Some(expanded) => items.extend(expanded),
                None => items.push(item),
            }
        }
        block.items = items;
        syn::visit_mut::visit_item_impl_mut(self, block);
    }
}

/// `items` with each invocation of a rule replaced by the items it expands to.
fn expand_items(expander: &Expander, items: Vec<syn::Item>) -> Vec<syn::Item> {
    let mut out = Vec::new();
    for item in items {
        let expansion = match &item {
            syn::Item::Macro(m) if m.ident.is_none() => expander
                .expand(&m.mac)
                .and_then(|tokens| syn::parse2::<syn::File>(tokens).ok()),
            _ => None,
        };
        match expansion {
            Some(file) => out.extend(file.items),
            None => out.push(item),
        }
    }
    out
}
