package stripepay

import (
	"context"
	"errors"
	"fmt"

	"github.com/stripe/stripe-go/v85"
)

// CreditBalance adds account credit to a customer: a customer balance
// transaction with a NEGATIVE amount (credit), in currency, with description.
// amount is the positive credit in minor units; Stripe applies the credit to
// the customer's next invoices. Idempotency-Key: idempotencyKey+"-credit".
// Returns the balance transaction id.
func (c *Client) CreditBalance(ctx context.Context, idempotencyKey, customerID string, amount int64, currency, description string) (string, error) {
	if err := checkCredit(idempotencyKey, customerID, amount, currency); err != nil {
		return "", err
	}
	p := &stripe.CustomerBalanceTransactionCreateParams{
		Customer: stripe.String(customerID),
		Amount:   stripe.Int64(-amount),
		Currency: stripe.String(currency),
	}
	if description != "" {
		p.Description = stripe.String(description)
	}
	p.IdempotencyKey = stripe.String(idempotencyKey + "-credit")
	txn, err := c.sc.V1CustomerBalanceTransactions.Create(ctx, p)
	if err != nil {
		return "", fmt.Errorf("stripepay: credit customer %s: %w", customerID, err)
	}
	if txn.ID == "" {
		return "", errors.New("stripepay: credit customer: Stripe returned no id")
	}
	return txn.ID, nil
}

func checkCredit(key, customerID string, amount int64, currency string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	switch {
	case customerID == "":
		return invalid("a Stripe customer id is required")
	case amount <= 0:
		return invalid("a credit must be a positive amount, not %d", amount)
	}
	return checkCurrency(currency)
}
